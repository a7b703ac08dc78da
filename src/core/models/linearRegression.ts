import type { DenseMatrix } from '../data/frame';
import { throwIfAborted } from './abort';
import { checkFitInput, checkPredictInput, checkTask, notFitted } from './checks';
import { floatFromJSON, floatsFromJSON, floatsToJSON, numberField, optionalNames } from './jsonArrays';
import { solveLeastSquares } from './leastSquares';
import { solveNormalEquations } from './linearNormalEquations';
import type { FitOptions, Model, ModelJSON, Task } from './model';
import type { ModelFamily } from './modelFamily';
import type { ParamInfo } from './params';
import { booleanParam, checkParamNames, numberParam } from './params';

const TYPE = 'linear_regression';

/** Validated hyperparameters of `linear_regression`. */
export interface LinearRegressionParams {
  /** Ridge penalty α‖w‖² (intercept not penalised); 0 = ordinary least squares. */
  readonly alpha: number;
  readonly fit_intercept: boolean;
}

const PARAMS: readonly ParamInfo[] = [
  { name: 'alpha', description: 'L2 (ridge) penalty α; 0 gives ordinary least squares.', default: 0 },
  { name: 'fit_intercept', description: 'Fit an unpenalised intercept (centres X and y).', default: true },
];

/**
 * Least squares, optionally ridge: by Cholesky on the normal equations when
 * the design is well-conditioned, else exactly (QR + SVD); matches
 * scikit-learn's LinearRegression (minimum-norm solution for collinear
 * columns) and Ridge either way.
 */
export class LinearRegressionModel implements Model {
  readonly type = TYPE;
  readonly task: Task = 'regression';
  private coef: Float64Array | undefined;
  private intercept = 0;
  private featureNames: string[] | undefined;
  /** Numerical rank of the (centred) design matrix found by the last fit. */
  rank: number | undefined;
  /** How the last fit solved: Cholesky on the normal equations, or QR + SVD when they were too ill-conditioned. */
  solver: 'cholesky' | 'svd' | undefined;

  constructor(readonly params: LinearRegressionParams = { alpha: 0, fit_intercept: true }) {}

  async fit(X: DenseMatrix, y: Float64Array, options: FitOptions): Promise<void> {
    checkTask(TYPE, options.task, ['regression']);
    checkFitInput(TYPE, X, y, options);
    throwIfAborted(options.signal);
    const { rows: n, cols: p, data } = X;
    const xMean = new Float64Array(p);
    let yMean = 0;
    if (this.params.fit_intercept) {
      for (let i = 0; i < n; i++) {
        const off = i * p;
        for (let j = 0; j < p; j++) xMean[j] += data[off + j];
        yMean += y[i];
      }
      for (let j = 0; j < p; j++) xMean[j] /= n;
      yMean /= n;
    }
    const fast = n > p ? solveNormalEquations(data, n, p, xMean, y, yMean, this.params.alpha) : undefined;
    const res = fast ? { coef: fast.coef, rank: p } : solveLeastSquares(data, n, p, xMean, y, yMean, this.params.alpha);
    this.solver = fast ? 'cholesky' : 'svd';
    let intercept = yMean;
    for (let j = 0; j < p; j++) intercept -= xMean[j] * res.coef[j];
    this.coef = res.coef;
    this.intercept = this.params.fit_intercept ? intercept : 0;
    this.rank = res.rank;
    this.featureNames = options.featureNames ? [...options.featureNames] : undefined;
  }

  predict(X: DenseMatrix): Float64Array {
    const coef = this.coef;
    if (!coef) throw notFitted(TYPE);
    checkPredictInput(TYPE, X, coef.length);
    const { rows, cols, data } = X;
    const out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      let s = this.intercept;
      const off = i * cols;
      for (let j = 0; j < cols; j++) s += data[off + j] * coef[j];
      out[i] = s;
    }
    return out;
  }

  /** Coefficients w (one per column). */
  coefficients(): Float64Array {
    if (!this.coef) throw notFitted(TYPE);
    return this.coef.slice();
  }

  /** The fitted intercept (0 without fit_intercept). */
  interceptValue(): number {
    return this.intercept;
  }

  /** |w_j| normalised to sum 1: only comparable across columns on the same scale. */
  featureImportances(): Float64Array | undefined {
    if (!this.coef) return undefined;
    return normalisedAbs(this.coef);
  }

  toJSON(): ModelJSON {
    if (!this.coef) throw notFitted(TYPE);
    return {
      type: TYPE,
      task: 'regression',
      version: 1,
      params: { ...this.params },
      nFeatures: this.coef.length,
      coef: floatsToJSON(this.coef),
      intercept: floatsToJSON([this.intercept])[0],
      ...(this.featureNames ? { featureNames: this.featureNames } : {}),
    };
  }

  static fromJSON(json: ModelJSON): LinearRegressionModel {
    if (json.type !== TYPE) throw new Error(`Expected a ${TYPE} model JSON, got "${json.type}".`);
    const nFeatures = numberField(json, 'nFeatures');
    const model = new LinearRegressionModel(readParams((json.params ?? {}) as Record<string, unknown>));
    model.coef = floatsFromJSON(json.coef, 'coef', nFeatures);
    model.intercept = floatFromJSON(json.intercept, 'intercept');
    model.featureNames = optionalNames(json.featureNames);
    return model;
  }
}

/** Absolute values scaled to sum 1 (all zeros stay zeros). */
export function normalisedAbs(w: Float64Array): Float64Array {
  const out = new Float64Array(w.length);
  let sum = 0;
  for (let j = 0; j < w.length; j++) sum += out[j] = Math.abs(w[j]);
  if (sum > 0) for (let j = 0; j < w.length; j++) out[j] /= sum;
  return out;
}

function readParams(params: Readonly<Record<string, unknown>>): LinearRegressionParams {
  checkParamNames(TYPE, params, PARAMS);
  return {
    alpha: numberParam(TYPE, params, 'alpha', 0, { min: 0 }),
    fit_intercept: booleanParam(TYPE, params, 'fit_intercept', true),
  };
}

export const linearRegressionFamily: ModelFamily = {
  type: TYPE,
  tasks: ['regression'],
  params: PARAMS,
  create(params, task) {
    checkTask(TYPE, task, ['regression']);
    return new LinearRegressionModel(readParams(params));
  },
  fromJSON: (json) => LinearRegressionModel.fromJSON(json),
};
