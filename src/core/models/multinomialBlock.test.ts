import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blockGradient, blockScores } from './multinomialBlock';

function filled(length: number, seed: number): Float64Array {
  return Float64Array.from({ length }, (_, i) => Math.sin(seed + i * 0.77) * 2);
}

// Every remainder path of the register blocking: classes not a multiple of 4, odd columns, odd rows, one row.
for (const k of [1, 2, 3, 4, 5, 9]) {
  for (const p of [1, 2, 3, 4, 7]) {
    for (const m of [1, 2, 5, 12]) {
      test(`block products match the plain sums: ${m} rows × ${p} columns, ${k} classes`, () => {
        const i0 = 3; // the block starts inside the data
        const data = filled((i0 + m + 2) * p, k * 100 + p * 10 + m);
        const theta = filled(k * p, 7);
        const b = filled(k, 11);
        const R = new Float64Array(m * k);
        blockScores(data, i0, m, p, k, theta, b, R);
        const grad = filled(k * p, 13);
        const before = grad.slice();
        blockGradient(data, i0, m, p, k, R, grad);
        for (let t = 0; t < m; t++) {
          for (let c = 0; c < k; c++) {
            let z = b[c];
            for (let j = 0; j < p; j++) z += data[(i0 + t) * p + j] * theta[c * p + j];
            assert.ok(Math.abs(R[t * k + c] - z) <= 1e-12 * (1 + Math.abs(z)), `score (${t}, ${c}): ${R[t * k + c]} vs ${z}`);
          }
        }
        for (let c = 0; c < k; c++) {
          for (let j = 0; j < p; j++) {
            let g = before[c * p + j];
            for (let t = 0; t < m; t++) g += R[t * k + c] * data[(i0 + t) * p + j];
            assert.ok(Math.abs(grad[c * p + j] - g) <= 1e-12 * (1 + Math.abs(g)), `gradient (${c}, ${j}): ${grad[c * p + j]} vs ${g}`);
          }
        }
      });
    }
  }
}
