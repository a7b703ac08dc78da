/**
 * The network's heavy arithmetic on a tfjs backend: the matrix products of
 * the forward and backward passes and the hidden activations. What is
 * O(rows × outputs) or O(parameters) (output loss and gradient, output bias,
 * the optimiser) stays in JS, where it costs less than the kernel dispatches
 * it would need. This hand-written step replaces `tf.LayersModel.fit`, whose
 * per-batch overhead (tape, optimiser ops, slicing the whole input tensor)
 * dominates small dense nets: on 100k × 20, one hidden layer of 32, batch
 * 256, wasm, an epoch costs ~1.85 s of CPU through `fit` and 0.11–0.23 s here.
 *
 * Shapes are chosen for the wasm backend, whose matrix product only takes its
 * fast XNNPACK path without transposes (a transposed operand falls back to a
 * naive loop): the batch is uploaded both as X and Xᵀ, each weight matrix
 * beyond the first also as Wᵀ (transposed in JS), and a hidden activation A
 * is transposed on the device before Aᵀ·dZ, so that every product is plain.
 * Measured for Aᵀ·dZ with A 256 × 64, dZ 256 × 32: 630–760 µs transposed in
 * the product, 120–250 µs transposed first on wasm; on the cpu backend the
 * transposed product is the faster one (1.0–1.2 ms against 1.8 ms).
 */
import type * as Tf from '@tensorflow/tfjs';
import type { MlpActivation } from './mlpParams';
import type { NetworkLayout, OutputKind } from './mlpNetwork';
import { outputLossAndGradient } from './mlpNetwork';

/** The fixed parts of a network on a device. */
export interface DeviceNet {
  readonly tf: typeof Tf;
  /** `tf.getBackend()`: products are shaped for it. */
  readonly backend: string;
  readonly layout: NetworkLayout;
  readonly activation: MlpActivation;
  readonly kind: OutputKind;
}

function weights(net: DeviceNet, theta: Float32Array, l: number): Tf.Tensor {
  const { layout } = net;
  const nIn = layout.sizes[l];
  const nOut = layout.sizes[l + 1];
  const at = layout.weightOffsets[l];
  return net.tf.tensor2d(theta.slice(at, at + nIn * nOut), [nIn, nOut]);
}

function transposedWeights(net: DeviceNet, theta: Float32Array, l: number): Tf.Tensor {
  const { layout } = net;
  const nIn = layout.sizes[l];
  const nOut = layout.sizes[l + 1];
  const at = layout.weightOffsets[l];
  const t = new Float32Array(nIn * nOut);
  for (let q = 0; q < nIn; q++) for (let j = 0; j < nOut; j++) t[j * nIn + q] = theta[at + q * nOut + j];
  return net.tf.tensor2d(t, [nOut, nIn]);
}

function biases(net: DeviceNet, theta: Float32Array, l: number): Tf.Tensor1D {
  const at = net.layout.biasOffsets[l];
  return net.tf.tensor1d(theta.slice(at, at + net.layout.sizes[l + 1]));
}

/** Hidden layer l: activation(A·W + b); relu fuses into the product on every backend. */
function hidden(net: DeviceNet, a: Tf.Tensor, theta: Float32Array, l: number): Tf.Tensor {
  const { tf } = net;
  const W = weights(net, theta, l);
  const b = biases(net, theta, l);
  if (net.activation === 'relu') return tf.fused.matMul({ a, b: W, bias: b, activation: 'relu' });
  const z = tf.fused.matMul({ a, b: W, bias: b });
  return net.activation === 'tanh' ? tf.tanh(z) : tf.sigmoid(z);
}

/** dLoss/dZ of a hidden layer from dLoss/dA and its output A. */
function activationGradient(net: DeviceNet, dA: Tf.Tensor, a: Tf.Tensor): Tf.Tensor {
  const { tf } = net;
  if (net.activation === 'relu') return tf.mul(dA, tf.step(a));
  if (net.activation === 'tanh') return tf.mul(dA, tf.sub(1, tf.square(a)));
  return tf.mul(dA, tf.mul(a, tf.sub(1, a)));
}

/** Last layer's scores without the output bias (added in JS by outputLossAndGradient). */
function forward(net: DeviceNet, x: Tf.Tensor, theta: Float32Array, activations?: Tf.Tensor[]): Tf.Tensor {
  const L = net.layout.sizes.length - 1;
  let a = x;
  for (let l = 0; l + 1 < L; l++) {
    a = hidden(net, a, theta, l);
    activations?.push(a);
  }
  return net.tf.matMul(a, weights(net, theta, L - 1));
}

/** One batch: row-major X (rows × p), the same rows transposed (p × rows), and the rows' targets. */
export interface Batch {
  readonly rows: number;
  readonly x: Float32Array;
  readonly xT: Float32Array;
  readonly target: (row: number) => number;
  /** Scratch for dLoss/dZ at the output, ≥ rows × output units. */
  readonly dz: Float32Array;
}

/**
 * Summed loss of the batch, and its summed gradient written to `grad` (one
 * entry per parameter, no L2 term: the caller adds it and divides by rows).
 */
export function batchGradient(net: DeviceNet, theta: Float32Array, batch: Batch, grad: Float64Array): number {
  const { tf, layout } = net;
  const { sizes, weightOffsets, biasOffsets } = layout;
  const L = sizes.length - 1;
  const p = sizes[0];
  const units = sizes[L];
  const n = batch.rows;
  return tf.tidy(() => {
    const x = tf.tensor2d(batch.x.subarray(0, n * p), [n, p]);
    const acts: Tf.Tensor[] = [x];
    const z = forward(net, x, theta, acts);
    const loss = outputLossAndGradient(net.kind, units, z.dataSync(), n, theta, biasOffsets[L - 1], batch.target, batch.dz);
    const dzOut = batch.dz.subarray(0, n * units);
    // The output bias gradient is the column sum of dZ, already in JS.
    grad.fill(0, biasOffsets[L - 1], biasOffsets[L - 1] + units);
    for (let i = 0; i < n; i++) for (let c = 0; c < units; c++) grad[biasOffsets[L - 1] + c] += dzOut[i * units + c];
    let dZ: Tf.Tensor = tf.tensor2d(dzOut, [n, units]);
    for (let l = L - 1; l >= 0; l--) {
      const dW =
        l === 0
          ? tf.matMul(tf.tensor2d(batch.xT.subarray(0, p * n), [p, n]), dZ)
          : net.backend === 'wasm'
            ? tf.matMul(tf.transpose(acts[l]), dZ)
            : tf.matMul(acts[l], dZ, true, false);
      grad.set(dW.dataSync(), weightOffsets[l]);
      if (l < L - 1) grad.set(tf.sum(dZ, 0).dataSync(), biasOffsets[l]);
      if (l > 0) dZ = activationGradient(net, tf.matMul(dZ, transposedWeights(net, theta, l)), acts[l]);
    }
    return loss;
  });
}

/**
 * Output scores without the output bias for row-major `x` (rows × p), in
 * chunks so that the hidden activations of a large validation set never
 * sit on the device at once.
 */
export function deviceScores(net: DeviceNet, theta: Float32Array, x: Float32Array, rows: number, chunk = 8192): Float32Array {
  const { tf, layout } = net;
  const p = layout.sizes[0];
  const units = layout.sizes[layout.sizes.length - 1];
  const out = new Float32Array(rows * units);
  for (let start = 0; start < rows; start += chunk) {
    const n = Math.min(chunk, rows - start);
    tf.tidy(() => {
      const z = forward(net, tf.tensor2d(x.subarray(start * p, (start + n) * p), [n, p]), theta);
      out.set(z.dataSync(), start * units);
    });
  }
  return out;
}
