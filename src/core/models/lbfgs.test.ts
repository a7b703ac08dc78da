import assert from 'node:assert/strict';
import { test } from 'node:test';
import { minimizeLbfgs } from './lbfgs';

test('minimises the Rosenbrock function to (1, 1)', async () => {
  const res = await minimizeLbfgs(
    (x, g) => {
      const a = 1 - x[0];
      const b = x[1] - x[0] * x[0];
      g[0] = -2 * a - 400 * x[0] * b;
      g[1] = 200 * b;
      return a * a + 100 * b * b;
    },
    Float64Array.from([-1.2, 1]),
    { maxIter: 500, gtol: 1e-10 },
  );
  assert.ok(res.converged, res.message);
  assert.ok(Math.abs(res.x[0] - 1) < 1e-6 && Math.abs(res.x[1] - 1) < 1e-6, `${res.x}`);
});

test('a convex quadratic converges in few iterations and reports each', async () => {
  const d = [1, 10, 100, 1000];
  const seen: number[] = [];
  const res = await minimizeLbfgs(
    (x, g) => {
      let f = 0;
      for (let i = 0; i < 4; i++) {
        g[i] = d[i] * (x[i] - i);
        f += 0.5 * d[i] * (x[i] - i) ** 2;
      }
      return f;
    },
    new Float64Array(4),
    { maxIter: 100, gtol: 1e-9, onIteration: (_, f) => void seen.push(f) },
  );
  assert.ok(res.converged);
  res.x.forEach((v, i) => assert.ok(Math.abs(v - i) < 1e-9));
  assert.equal(seen.length, res.iterations);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i] < seen[i - 1]);
});

test('stops at maxIter without claiming convergence', async () => {
  const res = await minimizeLbfgs(
    (x, g) => {
      g[0] = 4 * x[0] ** 3;
      return x[0] ** 4;
    },
    Float64Array.from([3]),
    { maxIter: 2, gtol: 0 },
  );
  assert.equal(res.iterations, 2);
  assert.equal(res.converged, false);
});
