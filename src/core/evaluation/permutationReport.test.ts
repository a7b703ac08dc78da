import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinearRegressionModel } from '../models/linearRegression';
import { Rng } from '../util/rng';
import { permutationReport } from './permutationReport';

const rng = new Rng(4);
const n = 300;
const data = new Float64Array(n * 3);
const y = new Float64Array(n);
for (let i = 0; i < n; i++) {
  for (let j = 0; j < 3; j++) data[i * 3 + j] = rng.normal();
  y[i] = 4 * data[i * 3 + 2] + 0.5 * data[i * 3] + 0.05 * rng.normal();
}
const X = { data, rows: n, cols: 3 };

test('the artifact lists every feature, largest drop first, with its spread, reproducibly', async () => {
  const m = new LinearRegressionModel();
  await m.fit(X, y, { task: 'regression' });
  const a = permutationReport(m, X, y, ['a', 'b', 'c'], { seed: 7 });
  assert.deepEqual(a.importances.map((r) => r.feature), ['c', 'a', 'b']);
  assert.equal(a.scoring, 'r2');
  assert.equal(a.repeats, 5);
  assert.equal(a.rows, n);
  assert.ok(a.importances.every((r) => r.std >= 0 && Number.isFinite(r.importance)));
  assert.deepEqual(permutationReport(m, X, y, ['a', 'b', 'c'], { seed: 7 }), a);
});

test('a large split is scored on a seeded sample of maxRows rows', async () => {
  const m = new LinearRegressionModel();
  await m.fit(X, y, { task: 'regression' });
  const a = permutationReport(m, X, y, ['a', 'b', 'c'], { seed: 1, maxRows: 100 });
  assert.equal(a.rows, 100);
  assert.equal(a.importances[0]!.feature, 'c');
});
