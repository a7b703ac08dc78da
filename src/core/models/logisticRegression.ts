import type { DenseMatrix } from '../data/frame';
import { EventLoopYielder, throwIfAborted } from './abort';
import { checkFitInput, checkPredictInput, checkTask, notFitted } from './checks';
import { floatsFromJSON, floatsToJSON, numberField, optionalNames } from './jsonArrays';
import type { LbfgsResult } from './lbfgs';
import { minimizeLbfgs } from './lbfgs';
import { normalisedAbs } from './linearRegression';
import { binaryObjective, multinomialObjective } from './logisticObjective';
import type { ParallelStats, ThreadPolicy } from './parallelMultinomial';
import { ParallelMultinomial, splitsRows } from './parallelMultinomial';
import type { FitOptions, Model, ModelJSON, Task } from './model';
import type { ModelFamily } from './modelFamily';
import type { ParamInfo } from './params';
import { booleanParam, checkParamNames, numberParam } from './params';
import { classesFromScores, probabilitiesFromScores } from './decisionScores';

const TYPE = 'logistic_regression';

/** Validated hyperparameters of `logistic_regression`. */
export interface LogisticRegressionParams {
  /** Inverse regularisation strength: minimises C·Σ log-loss + ½‖W‖². */
  readonly C: number;
  readonly max_iter: number;
  /** L-BFGS stops when the largest gradient component of Σ log-loss + ‖W‖²/(2C) is ≤ tol. */
  readonly tol: number;
  readonly fit_intercept: boolean;
}

const PARAMS: readonly ParamInfo[] = [
  { name: 'C', description: 'Inverse of L2 regularisation strength (scikit-learn semantics).', default: 1 },
  { name: 'max_iter', description: 'Maximum L-BFGS iterations.', default: 1000 },
  { name: 'tol', description: 'Stop when max |gradient| of the summed objective is below tol (or, as scikit-learn, when an iteration lowers it by less than 2.2e-9 relative).', default: 1e-6 },
  { name: 'fit_intercept', description: 'Fit an unpenalised intercept per class.', default: true },
];

/** scipy's L-BFGS-B default `factr` (1e7) times machine epsilon: its relative-reduction stop. */
const SCIPY_FTOL = 1e7 * Number.EPSILON;

/**
 * What scikit-learn 1.2 warns when its lbfgs stops at max_iter (a ConvergenceWarning; sklearnParity.test.ts
 * compares the first two lines with the warning it raises on the same data).
 */
export const MAX_ITER_WARNING =
  'lbfgs failed to converge (status=1):\nSTOP: TOTAL NO. of ITERATIONS REACHED LIMIT.\n\nIncrease the number of iterations (max_iter) or scale the data.';

const DEFAULTS: LogisticRegressionParams = { C: 1, max_iter: 1000, tol: 1e-6, fit_intercept: true };

/** Outcome of the last fit's solver run. */
export interface LogisticFitInfo {
  readonly iterations: number;
  readonly converged: boolean;
  readonly message: string;
  /** Final objective divided by the number of rows. */
  readonly loss: number;
  /** Set when a worker thread shared the rows (multinomial fits from `PARALLEL_MIN_WORK`). */
  readonly parallel?: ParallelStats;
}

/**
 * L2-penalised logistic regression: plain binary logistic for two classes,
 * multinomial (softmax) for more, fitted by L-BFGS to the same optimum as
 * scikit-learn's `LogisticRegression(solver='lbfgs')`, with its stopping
 * rule: the largest gradient component at most `tol`, or an iteration that
 * lowers the objective by less than 2.2e-9 relative (scipy's default factr,
 * which scikit-learn 1.2 keeps), which usually comes first. With the same
 * tol the iteration counts agree with scikit-learn's (23 and 48 on the
 * bench's binary and 5-class data). Defaults differ: tol 1e-6
 * (scikit-learn: 1e-4) and max_iter 1000 (scikit-learn: 100).
 */
export class LogisticRegressionModel implements Model {
  readonly type = TYPE;
  readonly task: Task = 'classification';
  /** Row-major k × p weights (k = 1 for binary). */
  private weights: Float64Array | undefined;
  private intercepts: Float64Array | undefined;
  private nClasses = 0;
  private nFeatures = 0;
  private featureNames: string[] | undefined;
  fitInfo: LogisticFitInfo | undefined;

  /** `threads: 'never'` keeps a large multinomial fit on this thread (the same result bit for bit; tests compare the two). */
  constructor(
    readonly params: LogisticRegressionParams = DEFAULTS,
    private readonly options: { readonly threads?: ThreadPolicy } = {},
  ) {}

  async fit(X: DenseMatrix, y: Float64Array, options: FitOptions): Promise<void> {
    checkTask(TYPE, options.task, ['classification']);
    const k = checkFitInput(TYPE, X, y, options);
    const present = new Set(y);
    if (present.size < 2) {
      throw new Error(`${TYPE}: needs samples of at least 2 classes; y holds only class ${[...present][0]}.`);
    }
    throwIfAborted(options.signal);
    const p = X.cols;
    const { C, fit_intercept: fitIntercept, max_iter: maxIter, tol } = this.params;
    const rowsOfW = k === 2 ? 1 : k;
    const nb = fitIntercept ? rowsOfW : 0;
    // A large fit shares its rows with a worker thread (parallelMultinomial.ts; the binary objective has one
    // weight vector: k = 1 there); the worker always ends with the fit.
    const weightVectors = k === 2 ? 1 : k;
    const parallel = splitsRows(X.rows, p, weightVectors) ? new ParallelMultinomial(X, y, weightVectors, C, fitIntercept, this.options.threads ?? 'auto') : undefined;
    const objective = parallel ? parallel.evaluate : k === 2 ? binaryObjective(X, y, C, fitIntercept) : multinomialObjective(X, y, k, C, fitIntercept);
    const yielder = new EventLoopYielder();
    let result: LbfgsResult;
    try {
      result = await minimizeLbfgs(objective, new Float64Array(rowsOfW * p + nb), {
        maxIter,
        gtol: tol,
        ftol: SCIPY_FTOL,
        onIteration: async (step, f) => {
          options.onProgress?.({ step, total: maxIter, metrics: { train_loss: f / X.rows } });
          throwIfAborted(options.signal);
          await yielder.maybeYield();
          throwIfAborted(options.signal);
        },
      });
    } finally {
      await parallel?.close();
    }
    this.weights = result.x.slice(0, rowsOfW * p);
    this.intercepts = fitIntercept ? result.x.slice(rowsOfW * p) : new Float64Array(rowsOfW);
    this.nClasses = k;
    this.nFeatures = p;
    this.featureNames = options.featureNames ? [...options.featureNames] : undefined;
    this.fitInfo = {
      iterations: result.iterations, converged: result.converged, message: result.message, loss: result.f / X.rows,
      ...(parallel ? { parallel: parallel.stats() } : {}),
    };
    if (!result.converged && result.iterations >= maxIter) options.onWarning?.(MAX_ITER_WARNING);
  }

  /** Linear scores z = W x + b, row-major rows × (1 or k). */
  decisionFunction(X: DenseMatrix): DenseMatrix {
    const W = this.weights;
    const b = this.intercepts;
    if (!W || !b) throw notFitted(TYPE);
    checkPredictInput(TYPE, X, this.nFeatures);
    const { rows, cols: p, data } = X;
    const r = b.length;
    const out = new Float64Array(rows * r);
    for (let i = 0; i < rows; i++) {
      const off = i * p;
      for (let c = 0; c < r; c++) {
        let s = b[c];
        const w = c * p;
        for (let j = 0; j < p; j++) s += data[off + j] * W[w + j];
        out[i * r + c] = s;
      }
    }
    return { data: out, rows, cols: r };
  }

  predict(X: DenseMatrix): Float64Array {
    return classesFromScores(this.decisionFunction(X));
  }

  predictProba(X: DenseMatrix): DenseMatrix {
    return probabilitiesFromScores(this.decisionFunction(X), this.nClasses);
  }

  /** Weights, row-major (1 or k) × p, as scikit-learn's `coef_`. */
  coefficients(): DenseMatrix {
    if (!this.weights || !this.intercepts) throw notFitted(TYPE);
    return { data: this.weights.slice(), rows: this.intercepts.length, cols: this.nFeatures };
  }

  /** Intercepts, one per weight row, as scikit-learn's `intercept_`. */
  interceptValues(): Float64Array {
    if (!this.intercepts) throw notFitted(TYPE);
    return this.intercepts.slice();
  }

  /** Mean |weight| over classes, normalised to sum 1; meaningful on standardised features. */
  featureImportances(): Float64Array | undefined {
    const W = this.weights;
    if (!W) return undefined;
    const p = this.nFeatures;
    const acc = new Float64Array(p);
    for (let q = 0; q < W.length; q++) acc[q % p] += Math.abs(W[q]);
    return normalisedAbs(acc);
  }

  toJSON(): ModelJSON {
    if (!this.weights || !this.intercepts) throw notFitted(TYPE);
    return {
      type: TYPE,
      task: 'classification',
      version: 1,
      params: { ...this.params },
      nClasses: this.nClasses,
      nFeatures: this.nFeatures,
      weights: floatsToJSON(this.weights),
      intercepts: floatsToJSON(this.intercepts),
      ...(this.featureNames ? { featureNames: this.featureNames } : {}),
    };
  }

  static fromJSON(json: ModelJSON): LogisticRegressionModel {
    if (json.type !== TYPE) throw new Error(`Expected a ${TYPE} model JSON, got "${json.type}".`);
    const model = new LogisticRegressionModel(readParams((json.params ?? {}) as Record<string, unknown>));
    const k = numberField(json, 'nClasses');
    const p = numberField(json, 'nFeatures');
    const r = k === 2 ? 1 : k;
    model.nClasses = k;
    model.nFeatures = p;
    model.weights = floatsFromJSON(json.weights, 'weights', r * p);
    model.intercepts = floatsFromJSON(json.intercepts, 'intercepts', r);
    model.featureNames = optionalNames(json.featureNames);
    return model;
  }
}

function readParams(params: Readonly<Record<string, unknown>>): LogisticRegressionParams {
  checkParamNames(TYPE, params, PARAMS);
  return {
    C: numberParam(TYPE, params, 'C', DEFAULTS.C, { min: 0, minExclusive: true }),
    max_iter: numberParam(TYPE, params, 'max_iter', DEFAULTS.max_iter, { min: 1, integer: true }),
    tol: numberParam(TYPE, params, 'tol', DEFAULTS.tol, { min: 0 }),
    fit_intercept: booleanParam(TYPE, params, 'fit_intercept', DEFAULTS.fit_intercept),
  };
}

export const logisticRegressionFamily: ModelFamily = {
  type: TYPE,
  tasks: ['classification'],
  params: PARAMS,
  create(params, task) {
    checkTask(TYPE, task, ['classification']);
    return new LogisticRegressionModel(readParams(params));
  },
  fromJSON: (json) => LogisticRegressionModel.fromJSON(json),
};
