import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../util/rng';
import type { DeviceNet } from './deviceNetwork';
import { batchGradient, deviceScores } from './deviceNetwork';
import type { OutputKind } from './mlpNetwork';
import { forwardScores, initialParameters, networkLayout, outputLossAndGradient } from './mlpNetwork';
import type { MlpActivation } from './mlpParams';
import type { TfjsBackend } from './tfjsRuntime';
import { useTfjsBackend } from './tfjsRuntime';

const p = 3;
const rows = 6;

function problem(seed: number, kind: OutputKind, units: number) {
  const rng = new Rng(seed);
  const x = new Float32Array(rows * p).map(() => rng.normal());
  // Xᵀ with the row of ones that yields the first layer's bias gradient.
  const xT = new Float32Array(rows * (p + 1)).fill(1);
  for (let i = 0; i < rows; i++) for (let j = 0; j < p; j++) xT[j * rows + i] = x[i * p + j];
  const y = Float64Array.from({ length: rows }, (_, i) => (kind === 'identity' ? rng.normal() : i % Math.max(units, 2)));
  return { x, xT, y };
}

/** Summed loss of the float64 JS forward pass at `theta`. */
function jsLoss(net: DeviceNet, theta: Float64Array, x: Float32Array, y: Float64Array): number {
  const { layout } = net;
  const units = layout.sizes[layout.sizes.length - 1];
  const z = forwardScores(layout, theta, net.activation, Float64Array.from(x), rows);
  return outputLossAndGradient(net.kind, units, z, rows, new Float64Array(units), 0, (i) => y[i], new Float64Array(rows * units));
}

const cases: { activation: MlpActivation; kind: OutputKind; units: number; hidden: number[] }[] = [
  { activation: 'relu', kind: 'logistic', units: 1, hidden: [4, 3] },
  { activation: 'tanh', kind: 'softmax', units: 3, hidden: [5] },
  { activation: 'sigmoid', kind: 'identity', units: 1, hidden: [4, 2] },
  { activation: 'relu', kind: 'softmax', units: 4, hidden: [] },
];

for (const backend of ['wasm', 'cpu'] as TfjsBackend[]) {
  test(`${backend}: the batch gradient matches central differences of the JS loss`, async () => {
    const rt = await useTfjsBackend(backend);
    assert.equal(rt.backend, backend);
    for (const [n, c] of cases.entries()) {
      const layout = networkLayout([p, ...c.hidden, c.units]);
      const net: DeviceNet = { tf: rt.tf, backend: rt.backend, layout, activation: c.activation, kind: c.kind };
      const theta = initialParameters(layout, c.activation, new Rng(n + 1));
      const { x, xT, y } = problem(n, c.kind, c.units);
      const grad = new Float64Array(layout.size);
      const loss = batchGradient(net, theta, { rows, x, xT, target: (i) => y[i], dz: new Float32Array(rows * c.units) }, grad);
      const t64 = Float64Array.from(theta);
      assert.ok(Math.abs(loss - jsLoss(net, t64, x, y)) < 1e-4 * Math.max(1, Math.abs(loss)), `${c.activation}/${c.kind}: loss`);
      const h = 1e-3;
      for (let q = 0; q < layout.size; q++) {
        const keep = t64[q];
        t64[q] = keep + h;
        const up = jsLoss(net, t64, x, y);
        t64[q] = keep - h;
        const down = jsLoss(net, t64, x, y);
        t64[q] = keep;
        const fd = (up - down) / (2 * h);
        assert.ok(Math.abs(grad[q] - fd) <= 1e-3 * Math.max(1, Math.abs(fd)), `${c.activation}/${c.kind} hidden [${c.hidden}]: d/dθ[${q}] ${grad[q]} vs ${fd}`);
      }
    }
  });

  test(`${backend}: device scores equal the JS forward pass, across chunks`, async () => {
    const rt = await useTfjsBackend(backend);
    const layout = networkLayout([p, 7, 5, 3]);
    for (const activation of ['relu', 'tanh', 'sigmoid'] as MlpActivation[]) {
      const net: DeviceNet = { tf: rt.tf, backend: rt.backend, layout, activation, kind: 'softmax' };
      const theta = initialParameters(layout, activation, new Rng(3));
      const rng = new Rng(4);
      const n = 50;
      const x = new Float32Array(n * p).map(() => rng.normal());
      const device = deviceScores(net, theta, x, n, 16);
      const js = forwardScores(layout, theta, activation, Float64Array.from(x), n);
      for (let i = 0; i < n * 3; i++) assert.ok(Math.abs(device[i] - js[i]) < 1e-5, `${activation} score ${i}`);
    }
  });
}
