import type { DenseMatrix } from '../data/frame';
import { EventLoopYielder, throwIfAborted } from './abort';
import { argsortInto, RadixScratch } from './argsort';
import type { Rng } from '../util/rng';
import { classImpurity, FEATURE_THRESHOLD, scanEntropy, scanGini, scanSquaredError } from './splitScan';

/**
 * CART tree growing, depth first, with scikit-learn's rules (thresholds at
 * midpoints, values closer than 1e-7 never split, the same stopping tests).
 *
 * Each feature is sorted once; a node owns the same [start, end) slice of
 * every feature's sorted list, and a split partitions each slice stably, so
 * a node's split search is a linear scan per feature instead of a sort (the
 * classic SPRINT layout); whole-level cost is O(n · p). The lists carry the
 * value and the target next to the sample index, so scans read memory in
 * order instead of jumping through the index (3–5× faster at 10⁵ rows).
 */

export type Criterion = 'gini' | 'entropy' | 'squared_error';

export interface TreeBuildOptions {
  readonly criterion: Criterion;
  /** Number of classes (classification); 0 for regression. */
  readonly nClasses: number;
  readonly maxDepth: number;
  readonly minSamplesSplit: number;
  readonly minSamplesLeaf: number;
  readonly minImpurityDecrease: number;
  /** Features examined per split; ≥ the column count means all, in index order. */
  readonly maxFeatures: number;
  readonly rng: Rng;
  readonly signal?: AbortSignal;
}

/** The fitted tree as flat arrays; leaves have feature −1 and children −1. */
export interface TreeArrays {
  readonly nodeCount: number;
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** nodeCount × width: class counts (classification) or the mean (regression). */
  readonly value: Float64Array;
  readonly width: number;
  readonly impurity: Float64Array;
  readonly nNodeSamples: Int32Array;
  /** Depth of the deepest leaf (the root is depth 0). */
  readonly depth: number;
}

const EPSILON = 2.220446049250313e-16;

interface StackEntry {
  readonly start: number;
  readonly end: number;
  readonly depth: number;
  readonly parent: number;
  readonly isLeft: boolean;
  /** A feature whose slice is known to hold exactly this node's samples (the parent's split feature). */
  readonly exact: number;
  /** Decided by the parent, which then may have skipped partitioning the other features. */
  readonly leaf: boolean;
}

export async function buildTree(X: DenseMatrix, y: Float64Array, opts: TreeBuildOptions): Promise<TreeArrays> {
  const b = new TreeGrower(X, y, opts);
  const yielder = new EventLoopYielder();
  const stack: StackEntry[] = [{ start: 0, end: X.rows, depth: 0, parent: -1, isLeft: false, exact: 0, leaf: false }];
  while (stack.length > 0) {
    const e = stack.pop() as StackEntry;
    const split = b.processNode(e);
    if (split) {
      // Right pushed first so the left child is grown (and numbered) first.
      const common = { depth: e.depth + 1, parent: split.node, exact: split.feature };
      stack.push({ ...common, start: split.pos, end: e.end, isLeft: false, leaf: split.rightLeaf });
      stack.push({ ...common, start: e.start, end: split.pos, isLeft: true, leaf: split.leftLeaf });
    }
    throwIfAborted(opts.signal);
    await yielder.maybeYield();
  }
  throwIfAborted(opts.signal);
  return b.result();
}

class TreeGrower {
  private readonly n: number;
  private readonly p: number;
  private readonly regression: boolean;
  /** p × n: per feature, sample indices; each node's slice is sorted by that feature. */
  private readonly sorted: Int32Array;
  /** p × n: the feature value of `sorted`'s sample at the same position. */
  private readonly vals: Float64Array;
  /** p × n: the class (classification) or target (regression) at the same position. */
  private readonly yc: Int32Array;
  private readonly yr: Float64Array;
  private readonly goLeft: Uint8Array;
  private readonly tmpIdx: Int32Array;
  private readonly tmpVal: Float64Array;
  private readonly tmpYc: Int32Array;
  private readonly tmpYr: Float64Array;
  private readonly k: number;
  private readonly width: number;
  private readonly leftCounts: Float64Array;
  private readonly rightCounts: Float64Array;
  private readonly nodeCounts: Float64Array;
  /** xlogx[m] = m·ln m, for O(1) entropy updates. */
  private readonly xlogx: Float64Array;
  private readonly featureOrder: Int32Array;
  private readonly minLeaf: number;
  private readonly minSplit: number;
  /** The best proxy found by the last scan. */
  private readonly proxy = new Float64Array(1);

  private cap = 0;
  private count = 0;
  private feature = new Int32Array(0);
  private threshold = new Float64Array(0);
  private left = new Int32Array(0);
  private right = new Int32Array(0);
  private value = new Float64Array(0);
  private impurity = new Float64Array(0);
  private nNodeSamples = new Int32Array(0);
  private depthReached = 0;

  constructor(X: DenseMatrix, y: Float64Array, private readonly opts: TreeBuildOptions) {
    const { rows: n, cols: p, data } = X;
    this.n = n;
    this.p = p;
    this.regression = opts.criterion === 'squared_error';
    this.k = opts.nClasses;
    this.width = this.regression ? 1 : opts.nClasses;
    this.sorted = new Int32Array(n * p);
    this.vals = new Float64Array(n * p);
    this.yc = new Int32Array(this.regression ? 0 : n * p);
    this.yr = new Float64Array(this.regression ? n * p : 0);
    // One column at a time, so the extra memory is n doubles, not a copy of X
    // (the sorted lists already take 16 bytes per cell).
    const column = new Float64Array(n);
    const scratch = new RadixScratch();
    for (let j = 0; j < p; j++) {
      for (let i = 0; i < n; i++) column[i] = data[i * p + j];
      const base = j * n;
      const S = this.sorted.subarray(base, base + n);
      argsortInto(column, 0, n, S, scratch);
      for (let r = 0; r < n; r++) {
        const id = S[r];
        this.vals[base + r] = column[id];
        if (this.regression) this.yr[base + r] = y[id];
        else this.yc[base + r] = y[id];
      }
    }
    this.goLeft = new Uint8Array(n);
    this.tmpIdx = new Int32Array(n);
    this.tmpVal = new Float64Array(n);
    this.tmpYc = new Int32Array(this.regression ? 0 : n);
    this.tmpYr = new Float64Array(this.regression ? n : 0);
    this.leftCounts = new Float64Array(this.k);
    this.rightCounts = new Float64Array(this.k);
    this.nodeCounts = new Float64Array(this.k);
    this.xlogx = new Float64Array(opts.criterion === 'entropy' ? n + 1 : 0);
    for (let m = 1; m < this.xlogx.length; m++) this.xlogx[m] = m * Math.log(m);
    this.featureOrder = new Int32Array(p);
    for (let j = 0; j < p; j++) this.featureOrder[j] = j;
    this.minLeaf = opts.minSamplesLeaf;
    this.minSplit = Math.max(opts.minSamplesSplit, 2 * opts.minSamplesLeaf);
    this.grow(255);
  }

  /** Adds the node of `e`; returns where to split it, or undefined for a leaf. */
  processNode(e: StackEntry): { node: number; pos: number; feature: number; leftLeaf: boolean; rightLeaf: boolean } | undefined {
    const { start, end, depth } = e;
    const nNode = end - start;
    const node = this.addNode(e.parent, e.isLeft, nNode);
    if (depth > this.depthReached) this.depthReached = depth;
    const impurity = this.nodeStats(e.exact * this.n, start, end, node);
    this.impurity[node] = impurity;
    if (e.leaf || this.isLeaf(depth, nNode, impurity)) return undefined;
    const best = this.findSplit(start, end);
    if (best.feature < 0) return undefined;
    const [impL, impR] = this.childImpurities(best.feature, start, best.pos, end);
    const nL = best.pos - start;
    const nR = end - best.pos;
    const improvement = (nNode / this.n) * (impurity - (nL / nNode) * impL - (nR / nNode) * impR);
    if (improvement + EPSILON < this.opts.minImpurityDecrease) return undefined;
    this.feature[node] = best.feature;
    this.threshold[node] = best.threshold;
    // Children that will be leaves never scan their slices: when both are, the
    // other features' slices need not be partitioned (a large share of the splits
    // near the bottom of a fully grown tree).
    const leftLeaf = this.isLeaf(depth + 1, nL, impL);
    const rightLeaf = this.isLeaf(depth + 1, nR, impR);
    if (!leftLeaf || !rightLeaf) this.partition(best.feature, start, best.pos, end);
    return { node, pos: best.pos, feature: best.feature, leftLeaf, rightLeaf };
  }

  private isLeaf(depth: number, nNode: number, impurity: number): boolean {
    return depth >= this.opts.maxDepth || nNode < this.minSplit || impurity <= EPSILON;
  }

  result(): TreeArrays {
    const c = this.count;
    return {
      nodeCount: c,
      feature: this.feature.slice(0, c),
      threshold: this.threshold.slice(0, c),
      left: this.left.slice(0, c),
      right: this.right.slice(0, c),
      value: this.value.slice(0, c * this.width),
      width: this.width,
      impurity: this.impurity.slice(0, c),
      nNodeSamples: this.nNodeSamples.slice(0, c),
      depth: this.depthReached,
    };
  }

  private grow(min: number): void {
    if (this.cap > min) return;
    const cap = Math.max(2 * this.cap, min + 1);
    const copy = <T extends Int32Array | Float64Array>(a: T, fresh: T): T => (fresh.set(a), fresh);
    this.feature = copy(this.feature, new Int32Array(cap));
    this.threshold = copy(this.threshold, new Float64Array(cap));
    this.left = copy(this.left, new Int32Array(cap));
    this.right = copy(this.right, new Int32Array(cap));
    this.value = copy(this.value, new Float64Array(cap * this.width));
    this.impurity = copy(this.impurity, new Float64Array(cap));
    this.nNodeSamples = copy(this.nNodeSamples, new Int32Array(cap));
    this.cap = cap;
  }

  private addNode(parent: number, isLeft: boolean, nNode: number): number {
    this.grow(this.count);
    const id = this.count++;
    this.feature[id] = -1;
    this.threshold[id] = -2; // scikit-learn's TREE_UNDEFINED
    this.left[id] = -1;
    this.right[id] = -1;
    this.nNodeSamples[id] = nNode;
    if (parent >= 0) {
      if (isLeft) this.left[parent] = id;
      else this.right[parent] = id;
    }
    return id;
  }

  /** Fills the node's value and returns its impurity (entropy in bits, as scikit-learn). */
  private nodeStats(base: number, start: number, end: number, node: number): number {
    const nNode = end - start;
    if (this.regression) {
      const y = this.yr;
      let sum = 0;
      let sq = 0;
      for (let i = base + start; i < base + end; i++) {
        const v = y[i];
        sum += v;
        sq += v * v;
      }
      const mean = sum / nNode;
      this.value[node] = mean;
      return sq / nNode - mean * mean;
    }
    const counts = this.nodeCounts;
    counts.fill(0);
    const y = this.yc;
    for (let i = base + start; i < base + end; i++) counts[y[i]]++;
    this.value.set(counts, node * this.k);
    return classImpurity(this.opts.criterion, counts, nNode);
  }

  private findSplit(start: number, end: number): { feature: number; pos: number; threshold: number } {
    const { p, opts, vals } = this;
    const order = this.featureOrder;
    const all = opts.maxFeatures >= p;
    let bestProxy = -Infinity;
    let bestFeature = -1;
    let bestPos = -1;
    let bestThreshold = 0;
    let visited = 0;
    let nonConstant = 0;
    for (let t = 0; t < p; t++) {
      // Without max_features, features go in index order (ties → lowest index); else
      // a partial Fisher–Yates draw, continuing past max_features while all drawn were constant.
      if (!all) {
        if (visited >= opts.maxFeatures && nonConstant > 0) break;
        const j = t + opts.rng.int(p - t);
        const sw = order[t];
        order[t] = order[j];
        order[j] = sw;
      }
      const f = order[t];
      visited++;
      const from = f * this.n + start;
      const to = f * this.n + end;
      if (vals[to - 1] <= vals[from] + FEATURE_THRESHOLD) continue;
      nonConstant++;
      const r = this.regression
        ? scanSquaredError(vals, this.yr, from, to, this.minLeaf, bestProxy, this.proxy)
        : opts.criterion === 'gini'
          ? scanGini(vals, this.yc, from, to, this.minLeaf, this.nodeCounts, this.leftCounts, this.rightCounts, bestProxy, this.proxy)
          : scanEntropy(vals, this.yc, from, to, this.minLeaf, this.nodeCounts, this.leftCounts, this.rightCounts, this.xlogx, bestProxy, this.proxy);
      if (r >= 0) {
        bestProxy = this.proxy[0];
        bestFeature = f;
        bestPos = r - f * this.n;
        const v = vals[r - 1];
        const vNext = vals[r];
        let thr = v / 2 + vNext / 2;
        if (thr === vNext || !Number.isFinite(thr)) thr = v;
        bestThreshold = thr;
      }
    }
    return { feature: bestFeature, pos: bestPos, threshold: bestThreshold };
  }

  private childImpurities(f: number, start: number, pos: number, end: number): [number, number] {
    const base = f * this.n;
    if (this.regression) {
      const y = this.yr;
      const stats = (a: number, b: number): number => {
        let sum = 0;
        let sq = 0;
        for (let i = base + a; i < base + b; i++) {
          sum += y[i];
          sq += y[i] * y[i];
        }
        const mean = sum / (b - a);
        return sq / (b - a) - mean * mean;
      };
      return [stats(start, pos), stats(pos, end)];
    }
    const L = this.leftCounts;
    const R = this.rightCounts;
    L.fill(0);
    const y = this.yc;
    for (let i = base + start; i < base + pos; i++) L[y[i]]++;
    for (let c = 0; c < this.k; c++) R[c] = this.nodeCounts[c] - L[c];
    return [classImpurity(this.opts.criterion, L, pos - start), classImpurity(this.opts.criterion, R, end - pos)];
  }

  /** Stable partition of every feature's slice into [start, pos) left and [pos, end) right. */
  private partition(bestFeature: number, start: number, pos: number, end: number): void {
    const { sorted, goLeft, n } = this;
    const bb = bestFeature * n;
    for (let i = bb + start; i < bb + pos; i++) goLeft[sorted[i]] = 1;
    for (let i = bb + pos; i < bb + end; i++) goLeft[sorted[i]] = 0;
    for (let f = 0; f < this.p; f++) {
      if (f === bestFeature) continue;
      if (this.regression) partitionSlice(sorted, this.vals, this.yr, goLeft, f * n + start, f * n + end, this.tmpIdx, this.tmpVal, this.tmpYr);
      else partitionSlice(sorted, this.vals, this.yc, goLeft, f * n + start, f * n + end, this.tmpIdx, this.tmpVal, this.tmpYc);
    }
  }
}

/** Moves the slice's left samples (goLeft = 1) to its front and the rest after them, keeping order. */
function partitionSlice<Y extends Int32Array | Float64Array>(
  S: Int32Array, V: Float64Array, Y: Y, goLeft: Uint8Array, from: number, to: number,
  tmpIdx: Int32Array, tmpVal: Float64Array, tmpY: Y,
): void {
  let w = from;
  let t = 0;
  for (let i = from; i < to; i++) {
    const id = S[i];
    if (goLeft[id] === 1) {
      S[w] = id;
      V[w] = V[i];
      Y[w] = Y[i];
      w++;
    } else {
      tmpIdx[t] = id;
      tmpVal[t] = V[i];
      tmpY[t] = Y[i];
      t++;
    }
  }
  S.set(tmpIdx.subarray(0, t), w);
  V.set(tmpVal.subarray(0, t), w);
  Y.set(tmpY.subarray(0, t), w);
}
