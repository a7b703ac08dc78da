/**
 * The network's heavy arithmetic on a tfjs backend: the matrix products of
 * the forward and backward passes and the hidden activations. What is
 * O(rows × outputs) or O(parameters) (output loss and gradient, output bias
 * gradient, the optimiser) stays in JS, where it costs less than the kernel
 * dispatches it would need. This hand-written step replaces
 * `tf.LayersModel.fit`, whose per-batch overhead (tape, optimiser ops,
 * slicing the whole input tensor) dominates small dense nets.
 *
 * Kernels are called through `engine().runKernel`, past the op wrappers'
 * argument checks and name scopes, each product in the rank-3 shape the
 * kernels take, so that nothing is reshaped. On the benchmark network
 * (20 → 32 relu → 1, batch 256, wasm) a batch is 8 kernels and 11 uploads,
 * ~115 µs; the largest parts are Xᵀ·dZ (~45 µs, most of it packing dZ) and
 * X·W (~20 µs). The loss needs no read-back of its own: the output scores
 * are read once a batch because dZ is computed from them in JS.
 *
 * Shapes are chosen for the wasm backend, whose matrix product only takes its
 * fast XNNPACK path without transposes (a transposed operand falls back to a
 * naive loop: 180–220 µs for Xᵀ·dZ at 256 × 21 · 256 × 32 against ~50 µs
 * plain): the batch comes both as X and Xᵀ, each weight matrix the backward
 * pass multiplies by is uploaded as Wᵀ (transposed in JS), and a hidden
 * activation A is transposed on the device before Aᵀ·dZ. XNNPACK repacks the
 * right-hand operand of every product, ~30 µs for a 256 × 32 one, so the
 * products are arranged to keep the large operands on the left where they
 * can (dZᵀ·A costs 38 µs, Aᵀ·dZ 13–15 µs). On the cpu backend the transposed
 * product is the faster one.
 *
 * Xᵀ carries a last row of ones: Xᵀ·dZ then yields the first layer's weight
 * gradient and, in its last row, its bias gradient, in the order the flat
 * parameter vector keeps them, from one product.
 *
 * The training data is not kept on the device. Measured on wasm for a
 * 256-row batch of a 100,000 × 21 tensor: `slice` reads the whole tensor
 * back first (4–6 ms a batch), `gather` takes ~270 µs, and uploading the
 * batch from JS takes 5–8 µs.
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

function upload(net: DeviceNet, values: Float32Array, shape: number[]): Tf.Tensor {
  return net.tf.engine().makeTensor(values, shape, 'float32');
}

/** a·b (+ bias, then the fused activation), a and b of rank 3 with a batch of 1. */
function product(net: DeviceNet, a: Tf.Tensor, b: Tf.Tensor, o: { transposeA?: boolean; bias?: Tf.Tensor; activation?: 'relu' } = {}): Tf.Tensor {
  const inputs: Tf.NamedTensorMap = o.bias ? { a, b, bias: o.bias } : { a, b };
  const attrs = { transposeA: o.transposeA ?? false, transposeB: false, activation: o.activation ?? 'linear', leakyreluAlpha: 0 };
  return net.tf.engine().runKernel('_FusedMatMul', inputs, attrs);
}

/** Swaps the last two axes. */
function transpose(net: DeviceNet, t: Tf.Tensor): Tf.Tensor {
  return net.tf.engine().runKernel('Transpose', { x: t }, { perm: [0, 2, 1] });
}

function weights(net: DeviceNet, theta: Float32Array, l: number): Tf.Tensor {
  const { layout } = net;
  const nIn = layout.sizes[l];
  const nOut = layout.sizes[l + 1];
  const at = layout.weightOffsets[l];
  return upload(net, theta.subarray(at, at + nIn * nOut), [1, nIn, nOut]);
}

/** Wᵀ of layer l (outputs × inputs), transposed in JS: the matrix is small and a device transpose is a dispatch. */
function transposedWeights(net: DeviceNet, theta: Float32Array, l: number): Tf.Tensor {
  const { layout } = net;
  const nIn = layout.sizes[l];
  const nOut = layout.sizes[l + 1];
  const at = layout.weightOffsets[l];
  const t = new Float32Array(nIn * nOut);
  for (let q = 0; q < nIn; q++) for (let j = 0; j < nOut; j++) t[j * nIn + q] = theta[at + q * nOut + j];
  return upload(net, t, [1, nOut, nIn]);
}

function biases(net: DeviceNet, theta: Float32Array, l: number): Tf.Tensor {
  const at = net.layout.biasOffsets[l];
  return upload(net, theta.subarray(at, at + net.layout.sizes[l + 1]), [net.layout.sizes[l + 1]]);
}

/** Layer l: A·W + b, with the activation unless l is the output layer. relu fuses into the product on every backend. */
function layer(net: DeviceNet, a: Tf.Tensor, theta: Float32Array, l: number): Tf.Tensor {
  const { tf } = net;
  const output = l === net.layout.sizes.length - 2;
  const relu = !output && net.activation === 'relu';
  const z = product(net, a, weights(net, theta, l), { bias: biases(net, theta, l), ...(relu ? { activation: 'relu' as const } : {}) });
  if (output || relu) return z;
  return net.activation === 'tanh' ? tf.tanh(z) : tf.sigmoid(z);
}

/** dLoss/dZ of a hidden layer from dLoss/dA and its output A. */
function activationGradient(net: DeviceNet, dA: Tf.Tensor, a: Tf.Tensor): Tf.Tensor {
  const { tf } = net;
  const engine = tf.engine();
  if (net.activation === 'relu') return engine.runKernel('Multiply', { a: dA, b: engine.runKernel('Step', { x: a }, { alpha: 0 }) });
  if (net.activation === 'tanh') return tf.mul(dA, tf.sub(1, tf.square(a)));
  return tf.mul(dA, tf.mul(a, tf.sub(1, a)));
}

/** Output scores (output bias included) of `x` ([1, rows, p]); the inputs of layers 1.. go to `activations`. */
function forward(net: DeviceNet, x: Tf.Tensor, theta: Float32Array, activations?: Tf.Tensor[]): Tf.Tensor {
  const L = net.layout.sizes.length - 1;
  let a = x;
  for (let l = 0; l < L; l++) {
    if (l > 0) activations?.push(a);
    a = layer(net, a, theta, l);
  }
  return a;
}

/** One batch, gathered by the train loop. */
export interface Batch {
  readonly rows: number;
  /** Row-major X, rows × p. */
  readonly x: Float32Array;
  /** Xᵀ with a last row of ones, (p + 1) × rows. */
  readonly xT: Float32Array;
  readonly target: (row: number) => number;
  /** Scratch for dLoss/dZ at the output, ≥ rows × output units. */
  readonly dz: Float32Array;
}

const NO_BIAS = new Float64Array(1);

/**
 * dLoss/dW of layer l ≥ 1 from its input activation A (rows × in) and dZ
 * (rows × `outputs`). With one output column, Aᵀ·dz is a matrix-vector product
 * and the transposed product's loop is one pass over A, no dearer than the
 * transpose alone (11.8 µs against 15 + 13 µs at 256 × 32 on wasm).
 */
function weightGradient(net: DeviceNet, a: Tf.Tensor, dZ: Tf.Tensor, outputs: number): Tf.Tensor {
  if (net.backend === 'wasm' && outputs > 1) return product(net, transpose(net, a), dZ);
  return product(net, a, dZ, { transposeA: true });
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
    const acts: Tf.Tensor[] = [];
    const z = forward(net, upload(net, batch.x.subarray(0, n * p), [1, n, p]), theta, acts);
    const dzOut = batch.dz.subarray(0, n * units);
    // The scores carry their bias: the loss gets a zero one.
    const bias = units === 1 ? NO_BIAS : new Float64Array(units);
    const loss = outputLossAndGradient(net.kind, units, z.dataSync(), n, bias, 0, batch.target, dzOut);
    let dZ = upload(net, dzOut, [1, n, units]);
    for (let l = L - 1; l > 0; l--) {
      const a = acts[l - 1];
      grad.set(weightGradient(net, a, dZ, sizes[l + 1]).dataSync(), weightOffsets[l]);
      if (l < L - 1) grad.set(tf.engine().runKernel<Tf.Tensor>('Sum', { x: dZ }, { axis: [1], keepDims: false }).dataSync(), biasOffsets[l]);
      dZ = activationGradient(net, product(net, dZ, transposedWeights(net, theta, l)), a);
    }
    // [Xᵀ; 1]·dZ: the first layer's weights and, in the last row, its biases.
    grad.set(product(net, upload(net, batch.xT.subarray(0, (p + 1) * n), [1, p + 1, n]), dZ).dataSync(), weightOffsets[0]);
    // The output bias gradient is the column sum of dZ, already in JS (float64).
    grad.fill(0, biasOffsets[L - 1], biasOffsets[L - 1] + units);
    for (let i = 0; i < n; i++) for (let c = 0; c < units; c++) grad[biasOffsets[L - 1] + c] += dzOut[i * units + c];
    return loss;
  });
}

/**
 * Output scores, output bias included, for row-major `x` (rows × p), in
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
      const z = forward(net, upload(net, x.subarray(start * p, (start + n) * p), [1, n, p]), theta);
      out.set(z.dataSync(), start * units);
    });
  }
  return out;
}
