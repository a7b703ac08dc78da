/**
 * The network shared by training (tfjs) and prediction (plain JS): where each
 * weight sits in one flat float32 vector, the scikit-learn initialisation,
 * the output layer's loss and gradient, and a float64 forward pass.
 */
import type { Task } from '../model';
import type { Rng } from '../../util/rng';
import type { MlpActivation } from './mlpParams';

/** What the last layer computes: a value, one logistic unit (2 classes) or a softmax over k classes. */
export type OutputKind = 'identity' | 'logistic' | 'softmax';

/**
 * Units per layer (`[p, ...hidden, out]`) and the offsets of each layer's
 * weights (row-major inputs × outputs) and biases in the flat parameter vector.
 */
export interface NetworkLayout {
  readonly sizes: readonly number[];
  readonly weightOffsets: readonly number[];
  readonly biasOffsets: readonly number[];
  /** Length of the flat parameter vector. */
  readonly size: number;
}

export function networkLayout(sizes: readonly number[]): NetworkLayout {
  const weightOffsets: number[] = [];
  const biasOffsets: number[] = [];
  let at = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    weightOffsets.push(at);
    at += sizes[l] * sizes[l + 1];
    biasOffsets.push(at);
    at += sizes[l + 1];
  }
  return { sizes: [...sizes], weightOffsets, biasOffsets, size: at };
}

/** Output units and kind: as scikit-learn, one logistic unit for 2 classes. */
export function outputFor(task: Task, nClasses: number): { readonly units: number; readonly kind: OutputKind } {
  if (task === 'regression') return { units: 1, kind: 'identity' };
  return nClasses === 2 ? { units: 1, kind: 'logistic' } : { units: nClasses, kind: 'softmax' };
}

/**
 * scikit-learn's initialisation: weights and biases uniform in ±√(f/(in+out)),
 * f = 2 for sigmoid and 6 otherwise, drawn from the seeded RNG.
 */
export function initialParameters(layout: NetworkLayout, activation: MlpActivation, rng: Rng): Float32Array {
  const theta = new Float32Array(layout.size);
  const factor = activation === 'sigmoid' ? 2 : 6;
  const { sizes } = layout;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const bound = Math.sqrt(factor / (sizes[l] + sizes[l + 1]));
    const end = layout.biasOffsets[l] + sizes[l + 1];
    for (let i = layout.weightOffsets[l]; i < end; i++) theta[i] = (2 * rng.next() - 1) * bound;
  }
  return theta;
}

/** True at the weights (penalised by alpha), false at the biases. */
export function weightMask(layout: NetworkLayout): Uint8Array {
  const mask = new Uint8Array(layout.size);
  for (let l = 0; l < layout.weightOffsets.length; l++) mask.fill(1, layout.weightOffsets[l], layout.biasOffsets[l]);
  return mask;
}

/** log(1 + e^z) without overflow. */
function softplus(z: number): number {
  return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
}

/**
 * Loss and gradient at the output for `rows` rows. `z` holds the last layer's
 * scores without its bias (rows × units); the biases `theta[biasAt..]` are added
 * here. Writes dLoss/dz to `dz` and returns the summed loss: log loss for
 * classification, half squared error for regression (scikit-learn's
 * objectives, so the same learning rates behave the same).
 */
export function outputLossAndGradient(
  kind: OutputKind,
  units: number,
  z: ArrayLike<number>,
  rows: number,
  theta: ArrayLike<number>,
  biasAt: number,
  target: (row: number) => number,
  dz: Float32Array | Float64Array,
): number {
  let loss = 0;
  if (kind !== 'softmax') {
    const b = theta[biasAt];
    for (let i = 0; i < rows; i++) {
      const s = z[i] + b;
      const y = target(i);
      if (kind === 'logistic') {
        loss += softplus(s) - y * s;
        dz[i] = 1 / (1 + Math.exp(-s)) - y;
      } else {
        const r = s - y;
        loss += 0.5 * r * r;
        dz[i] = r;
      }
    }
    return loss;
  }
  const k = units;
  for (let i = 0; i < rows; i++) {
    const off = i * k;
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, z[off + c] + theta[biasAt + c]);
    let sum = 0;
    for (let c = 0; c < k; c++) sum += dz[off + c] = Math.exp(z[off + c] + theta[biasAt + c] - max);
    const y = target(i);
    loss += Math.log(sum) + max - (z[off + y] + theta[biasAt + y]);
    for (let c = 0; c < k; c++) dz[off + c] = dz[off + c] / sum - (c === y ? 1 : 0);
  }
  return loss;
}

function activate(activation: MlpActivation, v: number): number {
  if (activation === 'relu') return v > 0 ? v : 0;
  if (activation === 'tanh') return Math.tanh(v);
  return 1 / (1 + Math.exp(-v));
}

/**
 * Output scores (rows × units, output bias included) of the network for the
 * row-major matrix `X`, in float64. Prediction runs here rather than in tfjs:
 * it stays synchronous, needs no backend (a served model loads without
 * tfjs), and gives the same numbers whichever backend trained the model.
 */
export function forwardScores(
  layout: NetworkLayout,
  theta: ArrayLike<number>,
  activation: MlpActivation,
  X: Float64Array,
  rows: number,
): Float64Array {
  const { sizes } = layout;
  const L = sizes.length - 1;
  const out = new Float64Array(rows * sizes[L]);
  let a = new Float64Array(Math.max(...sizes));
  let next = new Float64Array(a.length);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < sizes[0]; j++) a[j] = X[i * sizes[0] + j];
    for (let l = 0; l < L; l++) {
      const nIn = sizes[l];
      const nOut = sizes[l + 1];
      const w = layout.weightOffsets[l];
      const b = layout.biasOffsets[l];
      for (let j = 0; j < nOut; j++) next[j] = theta[b + j];
      for (let q = 0; q < nIn; q++) {
        const v = a[q];
        if (v === 0) continue;
        const row = w + q * nOut;
        for (let j = 0; j < nOut; j++) next[j] += v * theta[row + j];
      }
      if (l + 1 < L) for (let j = 0; j < nOut; j++) next[j] = activate(activation, next[j]);
      const t = a;
      a = next;
      next = t;
    }
    for (let c = 0; c < sizes[L]; c++) out[i * sizes[L] + c] = a[c];
  }
  return out;
}
