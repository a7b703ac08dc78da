import type { DenseMatrix } from '../data/frame';
import { throwIfAborted } from './abort';
import { checkFitInput, checkPredictInput, checkTask, notFitted } from './checks';
import { floatsFromJSON, floatsToJSON, intsFromJSON, numberField, optionalNames } from './jsonArrays';
import type { FitOptions, Model, ModelJSON, Task } from './model';
import type { ModelFamily } from './modelFamily';
import type { ParamInfo } from './params';
import { checkParamNames, enumParam, nullableNumberParam, numberParam } from './params';
import { Rng } from '../util/rng';
import type { Criterion, TreeArrays } from './treeBuilder';
import { buildTree } from './treeBuilder';

const TYPE = 'decision_tree';

/** `max_features` after validation. */
export type MaxFeatures = number | 'sqrt' | 'log2' | null;

/** Validated hyperparameters of `decision_tree`. */
export interface DecisionTreeParams {
  /** gini | entropy (alias log_loss) for classification; squared_error for regression. */
  readonly criterion: Criterion;
  readonly max_depth: number | null;
  /** An integer count, or a fraction in (0, 1) of the rows (ceil). */
  readonly min_samples_split: number;
  /** An integer count, or a fraction in (0, 0.5] of the rows (ceil). */
  readonly min_samples_leaf: number;
  /**
   * Features tried per split: an integer count (so 1 means one feature), a
   * fraction in (0, 1) of the columns, 'sqrt', 'log2', or null for all.
   */
  readonly max_features: MaxFeatures;
  readonly min_impurity_decrease: number;
  readonly seed: number;
}

const PARAMS: readonly ParamInfo[] = [
  { name: 'criterion', description: 'gini | entropy | log_loss (classification), squared_error (regression).', default: 'gini' },
  { name: 'max_depth', description: 'Maximum depth; null grows until leaves are pure.', default: null },
  { name: 'min_samples_split', description: 'Minimum rows to split a node (integer or fraction).', default: 2 },
  { name: 'min_samples_leaf', description: 'Minimum rows in each leaf (integer or fraction).', default: 1 },
  { name: 'max_features', description: "Features tried per split: integer, fraction in (0,1), 'sqrt', 'log2' or null (all).", default: null },
  { name: 'min_impurity_decrease', description: 'Split only if the weighted impurity decrease is at least this.', default: 0 },
  { name: 'seed', description: 'Seed of the feature sampling (max_features); fits are deterministic.', default: 0 },
];

/**
 * CART decision tree (scikit-learn's DecisionTreeClassifier/Regressor
 * algorithm). Stored as flat arrays; predictProba gives leaf class
 * frequencies; featureImportances the normalised impurity decrease.
 */
export class DecisionTreeModel implements Model {
  readonly type = TYPE;
  private tree: TreeArrays | undefined;
  private importances: Float64Array | undefined;
  private nFeatures = 0;
  private featureNames: string[] | undefined;

  constructor(
    readonly task: Task,
    readonly params: DecisionTreeParams,
  ) {}

  async fit(X: DenseMatrix, y: Float64Array, options: FitOptions): Promise<void> {
    checkTask(TYPE, options.task, [this.task]);
    const k = checkFitInput(TYPE, X, y, options);
    throwIfAborted(options.signal);
    const n = X.rows;
    const p = this.params;
    const tree = await buildTree(X, y, {
      criterion: p.criterion,
      nClasses: this.task === 'classification' ? k : 0,
      maxDepth: p.max_depth ?? Infinity,
      minSamplesSplit: Number.isInteger(p.min_samples_split) ? p.min_samples_split : Math.max(2, Math.ceil(p.min_samples_split * n)),
      minSamplesLeaf: Number.isInteger(p.min_samples_leaf) ? p.min_samples_leaf : Math.max(1, Math.ceil(p.min_samples_leaf * n)),
      minImpurityDecrease: p.min_impurity_decrease,
      maxFeatures: resolveMaxFeatures(p.max_features, X.cols),
      rng: new Rng(p.seed),
      signal: options.signal,
    });
    this.tree = tree;
    this.nFeatures = X.cols;
    this.importances = impurityImportances(tree, X.cols);
    this.featureNames = options.featureNames ? [...options.featureNames] : undefined;
  }

  /** Index of the leaf each row lands in. */
  apply(X: DenseMatrix): Int32Array {
    const t = this.tree;
    if (!t) throw notFitted(TYPE);
    checkPredictInput(TYPE, X, this.nFeatures);
    const { rows, cols, data } = X;
    const { feature, threshold, left, right } = t;
    const out = new Int32Array(rows);
    for (let i = 0; i < rows; i++) {
      const off = i * cols;
      let node = 0;
      while (left[node] !== -1) node = data[off + feature[node]] <= threshold[node] ? left[node] : right[node];
      out[i] = node;
    }
    return out;
  }

  predict(X: DenseMatrix): Float64Array {
    const leaves = this.apply(X);
    const t = this.tree as TreeArrays;
    const out = new Float64Array(leaves.length);
    const w = t.width;
    for (let i = 0; i < leaves.length; i++) {
      const off = leaves[i] * w;
      if (this.task === 'regression') {
        out[i] = t.value[off];
        continue;
      }
      // Majority class; ties go to the lowest index like numpy's argmax.
      let best = 0;
      for (let c = 1; c < w; c++) if (t.value[off + c] > t.value[off + best]) best = c;
      out[i] = best;
    }
    return out;
  }

  predictProba(X: DenseMatrix): DenseMatrix {
    if (this.task !== 'classification') throw new Error(`${TYPE}: predictProba is for classification.`);
    const leaves = this.apply(X);
    const t = this.tree as TreeArrays;
    const k = t.width;
    const out = new Float64Array(leaves.length * k);
    for (let i = 0; i < leaves.length; i++) {
      const off = leaves[i] * k;
      let total = 0;
      for (let c = 0; c < k; c++) total += t.value[off + c];
      for (let c = 0; c < k; c++) out[i * k + c] = t.value[off + c] / total;
    }
    return { data: out, rows: leaves.length, cols: k };
  }

  featureImportances(): Float64Array | undefined {
    return this.importances?.slice();
  }

  /** Node count, leaf count and depth of the fitted tree. */
  shape(): { nodes: number; leaves: number; depth: number } {
    const t = this.tree;
    if (!t) throw notFitted(TYPE);
    let leaves = 0;
    for (let i = 0; i < t.nodeCount; i++) if (t.left[i] === -1) leaves++;
    return { nodes: t.nodeCount, leaves, depth: t.depth };
  }

  /** The fitted arrays (read-only view), for inspection and tests. */
  arrays(): TreeArrays {
    if (!this.tree) throw notFitted(TYPE);
    return this.tree;
  }

  toJSON(): ModelJSON {
    const t = this.tree;
    if (!t || !this.importances) throw notFitted(TYPE);
    return {
      type: TYPE,
      task: this.task,
      version: 1,
      params: { ...this.params },
      nFeatures: this.nFeatures,
      width: t.width,
      depth: t.depth,
      feature: Array.from(t.feature),
      threshold: floatsToJSON(t.threshold),
      left: Array.from(t.left),
      right: Array.from(t.right),
      value: floatsToJSON(t.value),
      impurity: floatsToJSON(t.impurity),
      nNodeSamples: Array.from(t.nNodeSamples),
      importances: floatsToJSON(this.importances),
      ...(this.featureNames ? { featureNames: this.featureNames } : {}),
    };
  }

  static fromJSON(json: ModelJSON): DecisionTreeModel {
    if (json.type !== TYPE) throw new Error(`Expected a ${TYPE} model JSON, got "${json.type}".`);
    const model = new DecisionTreeModel(json.task, readParams((json.params ?? {}) as Record<string, unknown>, json.task));
    const feature = intsFromJSON(json.feature, 'feature');
    const c = feature.length;
    const width = numberField(json, 'width');
    model.tree = {
      nodeCount: c,
      feature,
      threshold: floatsFromJSON(json.threshold, 'threshold', c),
      left: intsFromJSON(json.left, 'left', c),
      right: intsFromJSON(json.right, 'right', c),
      value: floatsFromJSON(json.value, 'value', c * width),
      width,
      impurity: floatsFromJSON(json.impurity, 'impurity', c),
      nNodeSamples: intsFromJSON(json.nNodeSamples, 'nNodeSamples', c),
      depth: numberField(json, 'depth'),
    };
    model.nFeatures = numberField(json, 'nFeatures');
    model.importances = floatsFromJSON(json.importances, 'importances', model.nFeatures);
    model.featureNames = optionalNames(json.featureNames);
    return model;
  }
}

/** scikit-learn's feature_importances_: impurity decrease per feature, weighted by node size, summing to 1. */
function impurityImportances(t: TreeArrays, p: number): Float64Array {
  const imp = new Float64Array(p);
  for (let i = 0; i < t.nodeCount; i++) {
    const l = t.left[i];
    if (l === -1) continue;
    const r = t.right[i];
    imp[t.feature[i]] +=
      t.nNodeSamples[i] * t.impurity[i] - t.nNodeSamples[l] * t.impurity[l] - t.nNodeSamples[r] * t.impurity[r];
  }
  let sum = 0;
  for (let j = 0; j < p; j++) sum += imp[j];
  if (sum > 0) for (let j = 0; j < p; j++) imp[j] /= sum;
  return imp;
}

/** The number of features tried per split, scikit-learn's rules. */
export function resolveMaxFeatures(m: MaxFeatures, p: number): number {
  if (m === null) return p;
  if (m === 'sqrt') return Math.max(1, Math.floor(Math.sqrt(p)));
  if (m === 'log2') return Math.max(1, Math.floor(Math.log2(p)));
  if (Number.isInteger(m)) return Math.min(m, p);
  return Math.max(1, Math.floor(m * p));
}

function readParams(params: Readonly<Record<string, unknown>>, task: Task): DecisionTreeParams {
  checkParamNames(TYPE, params, PARAMS);
  const criterion =
    task === 'regression'
      ? enumParam(TYPE, params, 'criterion', 'squared_error', ['squared_error'])
      : enumParam(TYPE, params, 'criterion', 'gini', ['gini', 'entropy', 'log_loss']);
  const fraction = (name: string, fallback: number, minInt: number, maxFraction: number): number => {
    const v = numberParam(TYPE, params, name, fallback, { min: 0, minExclusive: true });
    if (Number.isInteger(v) ? v < minInt : v > maxFraction) {
      throw new Error(`Parameter "${name}" of model "${TYPE}" must be an integer >= ${minInt} or a fraction in (0, ${maxFraction}]; got ${v}.`);
    }
    return v;
  };
  return {
    criterion: criterion === 'log_loss' ? 'entropy' : criterion,
    max_depth: nullableNumberParam(TYPE, params, 'max_depth', null, { min: 1, integer: true }),
    min_samples_split: fraction('min_samples_split', 2, 2, 1),
    min_samples_leaf: fraction('min_samples_leaf', 1, 1, 0.5),
    max_features: readMaxFeatures(params.max_features),
    min_impurity_decrease: numberParam(TYPE, params, 'min_impurity_decrease', 0, { min: 0 }),
    seed: numberParam(TYPE, params, 'seed', 0, { integer: true }),
  };
}

function readMaxFeatures(v: unknown): MaxFeatures {
  if (v === undefined || v === null) return null;
  if (v === 'sqrt' || v === 'log2') return v;
  if (typeof v === 'number' && Number.isFinite(v) && v > 0 && (Number.isInteger(v) || v < 1)) return v;
  throw new Error(
    `Parameter "max_features" of model "${TYPE}" must be a positive integer, a fraction in (0, 1), 'sqrt', 'log2' or null; got ${JSON.stringify(v)}.`,
  );
}

export const decisionTreeFamily: ModelFamily = {
  type: TYPE,
  tasks: ['classification', 'regression'],
  params: PARAMS,
  create: (params, task) => new DecisionTreeModel(task, readParams(params, task)),
  fromJSON: (json) => DecisionTreeModel.fromJSON(json),
};
