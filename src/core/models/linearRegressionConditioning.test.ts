/**
 * Linear regression's two solvers against scikit-learn 1.2 on designs that
 * decide between them: a well-conditioned one (Cholesky on the normal
 * equations), two nearly collinear columns (ill-conditioned: the normal
 * equations would square a condition number of ~1e7) and a duplicated column
 * (rank-deficient: only the SVD gives lstsq's minimum-norm coefficients).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ReferenceFit } from '../../../scripts/sklearn/referenceRunner';
import { runReferenceFits, sklearnAvailable, writeCsv } from '../../../scripts/sklearn/referenceRunner';
import { missingTool } from '../../../test/fixtures/requiredTool';
import type { DenseMatrix } from '../data/frame';
import { LinearRegressionModel } from './linearRegression';
import { makeRegression } from './syntheticData';

const ROWS = 2000;

/** Six columns; `twin` replaces column 5 by column 0 plus `eps` times column 1 (eps 0: a duplicate of column 0). */
function design(twin: { eps: number } | undefined): { X: DenseMatrix; y: Float64Array } {
  const { X, y } = makeRegression({ rows: ROWS, cols: 6, informative: 6, noise: 5, seed: 17 });
  if (twin) for (let i = 0; i < ROWS; i++) X.data[i * 6 + 5] = X.data[i * 6] + twin.eps * X.data[i * 6 + 1];
  return { X, y };
}

const cases = [
  { name: 'well_conditioned', X: design(undefined), solver: 'cholesky', params: {} },
  { name: 'well_conditioned_ridge', X: design(undefined), solver: 'cholesky', params: { alpha: 3 } },
  { name: 'nearly_collinear', X: design({ eps: 1e-7 }), solver: 'svd', params: {} },
  { name: 'duplicated_column', X: design({ eps: 0 }), solver: 'svd', params: {} },
] as const;

const available = sklearnAvailable();
let dir = '';
const ref = new Map<string, ReferenceFit>();

describe('linear regression solvers against scikit-learn', { skip: missingTool(available, 'scikit-learn for /usr/bin/python3', 'sklearn') }, () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'runlens-linear-'));
    const jobs = cases.map((c) => {
      const train = join(dir, `${c.name}.csv`);
      writeCsv(train, c.X.X, c.X.y);
      return { name: c.name, model: 'alpha' in c.params ? ('ridge' as const) : ('linear_regression' as const), params: c.params, train };
    });
    for (const r of runReferenceFits(dir, jobs)) ref.set(r.name, r);
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const c of cases) {
    test(`${c.name}: solved by ${c.solver}, coefficients within 1e-6 relative of scikit-learn's`, async (t) => {
      const model = new LinearRegressionModel({ alpha: 'alpha' in c.params ? c.params.alpha : 0, fit_intercept: true });
      await model.fit(c.X.X, c.X.y, { task: 'regression' });
      assert.equal(model.solver, c.solver);
      const r = ref.get(c.name) as ReferenceFit;
      const expected = r.coef as number[];
      const coef = model.coefficients();
      const scale = Math.max(...expected.map(Math.abs));
      let worst = 0;
      for (let j = 0; j < coef.length; j++) {
        worst = Math.max(worst, Math.abs(coef[j] - expected[j]) / Math.max(Math.abs(expected[j]), 1e-3 * scale));
      }
      t.diagnostic(`worst relative coefficient error ${worst.toExponential(2)}; coefficients ${[...coef].map((w) => w.toPrecision(6)).join(', ')}`);
      assert.ok(worst <= 1e-6, `worst relative coefficient error ${worst}`);
      const intercept = (r.intercept as number[])[0] ?? 0;
      assert.ok(Math.abs(model.interceptValue() - intercept) <= 1e-6 * Math.max(1, Math.abs(intercept)));
      if (c.name === 'duplicated_column') {
        // Minimum norm: the weight of the shared direction is split evenly between the twins.
        assert.ok(Math.abs(coef[0] - coef[5]) <= 1e-9 * Math.abs(coef[0]), `${coef[0]} vs ${coef[5]}`);
      }
    });
  }
});
