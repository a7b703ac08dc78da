import type { DenseMatrix } from '../../data/frame';
import { throwIfAborted } from '../abort';
import { checkFitInput, checkPredictInput, checkTask, notFitted } from '../checks';
import { floatsFromJSON, floatsToJSON, numberField, optionalNames } from '../jsonArrays';
import type { FitOptions, Model, ModelJSON, Task } from '../model';
import type { ModelFamily } from '../modelFamily';
import { Rng } from '../../util/rng';
import type { NetworkLayout, OutputKind } from './mlpNetwork';
import { forwardScores, initialParameters, networkLayout, outputFor } from './mlpNetwork';
import type { MlpParams } from './mlpParams';
import { MLP_PARAMS, MLP_TYPE, readMlpParams } from './mlpParams';
import { runtimeTags, tfjsRuntime } from './tfjsRuntime';
import type { TrainOutcome } from './trainLoop';
import { trainNetwork } from './trainLoop';
import { checkNetworkFits } from './mlpMemory';
import type { MemoryBudget } from '../../util/memory';
import { currentMemoryBudget } from '../../util/memory';
import { classesFromScores, probabilitiesFromScores } from '../decisionScores';

/** What the last fit did, for tests, logs and benchmarks. */
export interface MlpFitInfo extends TrainOutcome {
  readonly backend: string;
  readonly seconds: number;
}

interface Fitted {
  readonly layout: NetworkLayout;
  readonly kind: OutputKind;
  readonly nClasses: number;
  /** All weights and biases, float32 as trained; see `networkLayout` for the order. */
  readonly theta: Float32Array;
  readonly featureNames?: string[];
}

/**
 * A multilayer perceptron (fully connected network) for classification
 * (one logistic unit for 2 classes, softmax for more) and regression, trained
 * with mini-batch Adam or SGD on TensorFlow.js (see tfjsRuntime for the
 * backend) and predicting in plain JS from the float32 weights.
 */
export class MlpModel implements Model {
  readonly type = MLP_TYPE;
  private fitted: Fitted | undefined;
  private tags: Record<string, string> = {};
  fitInfo: MlpFitInfo | undefined;

  /** `memoryBudget`: what the fit may use (default: what this process has left; tests pass their own). */
  constructor(readonly task: Task, readonly params: MlpParams, private readonly memoryBudget: () => MemoryBudget = currentMemoryBudget) {}

  /**
   * Fits from the seeded initialisation. `onProgress` gets one point per
   * epoch: `train_loss` (mean objective over the epoch's batches, without
   * the L2 term), and with early stopping `val_loss` plus `val_accuracy`
   * (classification) or `val_mse` (regression) on the held-out rows.
   */
  async fit(X: DenseMatrix, y: Float64Array, options: FitOptions): Promise<void> {
    checkTask(MLP_TYPE, options.task, [this.task]);
    const k = checkFitInput(MLP_TYPE, X, y, options);
    if (this.task === 'classification' && k < 2) {
      throw new Error(`${MLP_TYPE}: classification needs at least 2 classes; nClasses is ${k}.`);
    }
    const { units, kind } = outputFor(this.task, k);
    const sizes = [X.cols, ...this.params.hidden_layers, units];
    checkNetworkFits(sizes, this.params.batch_size, X.rows, this.memoryBudget());
    throwIfAborted(options.signal);
    const started = performance.now();
    // TensorFlow.js loads here, on the first fit, never at import.
    const runtime = await tfjsRuntime();
    throwIfAborted(options.signal);
    const layout = networkLayout(sizes);
    const rng = new Rng(this.params.seed);
    const theta = initialParameters(layout, this.params.activation, rng);
    const outcome = await trainNetwork({ tf: runtime.tf, backend: runtime.backend, layout, activation: this.params.activation, kind }, theta, X, y, {
      params: this.params,
      rng,
      signal: options.signal,
      onProgress: options.onProgress,
    });
    this.fitted = { layout, kind, nClasses: k, theta, ...(options.featureNames ? { featureNames: [...options.featureNames] } : {}) };
    this.tags = runtimeTags(runtime);
    this.fitInfo = { ...outcome, backend: runtime.backend, seconds: (performance.now() - started) / 1000 };
  }

  /** The backend that ran the last fit, e.g. `{ 'runlens.tfjs.backend': 'wasm', 'runlens.tfjs.threads': '1' }`. */
  runTags(): Readonly<Record<string, string>> {
    return { ...this.tags };
  }

  /** Raw output scores (rows × units), output bias included. */
  decisionFunction(X: DenseMatrix): DenseMatrix {
    const f = this.fitted;
    if (!f) throw notFitted(MLP_TYPE);
    checkPredictInput(MLP_TYPE, X, f.layout.sizes[0]);
    const units = f.layout.sizes[f.layout.sizes.length - 1];
    return { data: forwardScores(f.layout, f.theta, this.params.activation, X.data, X.rows), rows: X.rows, cols: units };
  }

  predict(X: DenseMatrix): Float64Array {
    const z = this.decisionFunction(X);
    if (this.task === 'regression') return z.data;
    return classesFromScores(z);
  }

  predictProba(X: DenseMatrix): DenseMatrix {
    if (this.task !== 'classification') throw new Error(`${MLP_TYPE}: predictProba is for classification models.`);
    return probabilitiesFromScores(this.decisionFunction(X), (this.fitted as Fitted).nClasses);
  }

  /** A copy of the flat float32 parameter vector (weights and biases, layer by layer). */
  parameters(): Float32Array {
    if (!this.fitted) throw notFitted(MLP_TYPE);
    return this.fitted.theta.slice();
  }

  toJSON(): ModelJSON {
    const f = this.fitted;
    if (!f) throw notFitted(MLP_TYPE);
    return {
      type: MLP_TYPE,
      task: this.task,
      version: 1,
      params: { ...this.params, hidden_layers: [...this.params.hidden_layers] },
      sizes: [...f.layout.sizes],
      nClasses: f.nClasses,
      // float32 values written as doubles: exact, and read back bit for bit.
      parameters: floatsToJSON(f.theta),
      ...(f.featureNames ? { featureNames: f.featureNames } : {}),
    };
  }

  static fromJSON(json: ModelJSON): MlpModel {
    if (json.type !== MLP_TYPE) throw new Error(`Expected a ${MLP_TYPE} model JSON, got "${json.type}".`);
    if (json.task !== 'classification' && json.task !== 'regression') throw new Error(`Invalid model JSON: unknown task "${String(json.task)}".`);
    const model = new MlpModel(json.task, readMlpParams((json.params ?? {}) as Record<string, unknown>));
    const sizes = json.sizes;
    if (!Array.isArray(sizes) || sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s < 1)) {
      throw new Error('Invalid model JSON: "sizes" must list at least 2 layer sizes.');
    }
    const layout = networkLayout(sizes as number[]);
    const nClasses = numberField(json, 'nClasses');
    const { kind, units } = outputFor(json.task, nClasses);
    if (units !== sizes[sizes.length - 1]) throw new Error(`Invalid model JSON: ${sizes[sizes.length - 1]} output units for ${nClasses} classes.`);
    const featureNames = optionalNames(json.featureNames);
    const theta = Float32Array.from(floatsFromJSON(json.parameters, 'parameters', layout.size));
    model.fitted = { layout, kind, nClasses, theta, ...(featureNames ? { featureNames } : {}) };
    return model;
  }
}

export const mlpFamily: ModelFamily = {
  type: MLP_TYPE,
  tasks: ['classification', 'regression'],
  params: MLP_PARAMS,
  create(params, task) {
    checkTask(MLP_TYPE, task, ['classification', 'regression']);
    return new MlpModel(task, readMlpParams(params));
  },
  fromJSON: (json) => MlpModel.fromJSON(json),
};
