import type { DenseMatrix } from '../data/frame';
import { Rng } from '../util/rng';

/**
 * Seeded synthetic data sets following scikit-learn's make_regression and
 * make_classification recipes, for benchmarks and tests (the same algorithm,
 * not the same numbers: the random streams differ).
 */

/** A generated feature matrix and target. */
export interface SyntheticData {
  readonly X: DenseMatrix;
  readonly y: Float64Array;
}

export interface MakeRegressionOptions {
  readonly rows: number;
  readonly cols: number;
  /** Columns with a non-zero coefficient; default 10 (as scikit-learn). */
  readonly informative?: number;
  /** Standard deviation of Gaussian noise on y; default 0. */
  readonly noise?: number;
  readonly seed?: number;
}

/** y = X·w + noise with X ~ N(0, 1) and w_j ~ U(0, 100) on the informative columns. */
export function makeRegression(o: MakeRegressionOptions): SyntheticData {
  const rng = new Rng(o.seed ?? 0);
  const { rows, cols } = o;
  const informative = Math.min(o.informative ?? 10, cols);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  const coef = new Float64Array(cols);
  for (let j = 0; j < informative; j++) coef[j] = 100 * rng.next();
  rng.shuffle(coef);
  const y = new Float64Array(rows);
  const noise = o.noise ?? 0;
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += data[i * cols + j] * coef[j];
    y[i] = s + (noise > 0 ? noise * rng.normal() : 0);
  }
  return { X: { data, rows, cols }, y };
}

export interface MakeClassificationOptions {
  readonly rows: number;
  readonly cols: number;
  /** Defaults follow scikit-learn: 2 informative, 2 redundant, 2 classes, 2 clusters per class. */
  readonly informative?: number;
  readonly redundant?: number;
  readonly classes?: number;
  readonly clustersPerClass?: number;
  readonly classSep?: number;
  /** Fraction of labels replaced at random; default 0.01. */
  readonly flipY?: number;
  readonly seed?: number;
}

/**
 * Gaussian clusters on the vertices of a hypercube in the informative
 * columns (each with a random covariance), redundant columns as random
 * linear combinations of them, the rest noise; rows and columns shuffled.
 */
export function makeClassification(o: MakeClassificationOptions): SyntheticData {
  const rng = new Rng(o.seed ?? 0);
  const { rows, cols } = o;
  const nInf = o.informative ?? 2;
  const nRed = o.redundant ?? 2;
  const k = o.classes ?? 2;
  const perClass = o.clustersPerClass ?? 2;
  const sep = o.classSep ?? 1;
  const flipY = o.flipY ?? 0.01;
  const nClusters = k * perClass;
  if (nInf + nRed > cols) throw new Error('makeClassification: informative + redundant exceeds cols');
  if (nClusters > 2 ** nInf) throw new Error('makeClassification: too many clusters for the informative columns');
  // Distinct random hypercube vertices as centroids.
  const vertices = new Int32Array(2 ** nInf);
  for (let v = 0; v < vertices.length; v++) vertices[v] = v;
  rng.shuffle(vertices);
  const data = new Float64Array(rows * cols);
  const y = new Float64Array(rows);
  const x = new Float64Array(nInf);
  const B = new Float64Array(nInf * nRed);
  for (let q = 0; q < B.length; q++) B[q] = 2 * rng.next() - 1;
  let row = 0;
  for (let cl = 0; cl < nClusters; cl++) {
    const count = Math.floor(rows / nClusters) + (cl < rows % nClusters ? 1 : 0);
    const A = new Float64Array(nInf * nInf);
    for (let q = 0; q < A.length; q++) A[q] = 2 * rng.next() - 1;
    for (let r = 0; r < count; r++, row++) {
      for (let j = 0; j < nInf; j++) x[j] = rng.normal();
      const off = row * cols;
      for (let j = 0; j < nInf; j++) {
        let s = 0;
        for (let t = 0; t < nInf; t++) s += x[t] * A[t * nInf + j];
        data[off + j] = s + (((vertices[cl] >> j) & 1) * 2 - 1) * sep;
      }
      for (let j = 0; j < nRed; j++) {
        let s = 0;
        for (let t = 0; t < nInf; t++) s += data[off + t] * B[t * nRed + j];
        data[off + nInf + j] = s;
      }
      for (let j = nInf + nRed; j < cols; j++) data[off + j] = rng.normal();
      y[row] = cl % k;
    }
  }
  for (let i = 0; i < rows; i++) if (rng.next() < flipY) y[i] = rng.int(k);
  // Shuffle rows and columns.
  const perm = rng.shuffle(Int32Array.from({ length: rows }, (_, i) => i));
  const colPerm = rng.shuffle(Int32Array.from({ length: cols }, (_, j) => j));
  const outX = new Float64Array(rows * cols);
  const outY = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const src = perm[i] * cols;
    for (let j = 0; j < cols; j++) outX[i * cols + j] = data[src + colPerm[j]];
    outY[i] = y[perm[i]];
  }
  return { X: { data: outX, rows, cols }, y: outY };
}
