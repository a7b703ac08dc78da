import assert from 'node:assert/strict';
import { test } from 'node:test';
import { multinomialObjective } from './logisticObjective';
import { LogisticRegressionModel } from './logisticRegression';
import { PARALLEL_MIN_WORK, ParallelMultinomial, liveLogisticWorkers, splitsRows } from './parallelMultinomial';
import { makeClassification } from './syntheticData';

// Large enough to split (rows × cols × classes ≥ PARALLEL_MIN_WORK), small enough to fit in a second or two.
const big = makeClassification({ rows: 50_000, cols: 10, informative: 6, redundant: 1, classes: 4, clustersPerClass: 1, seed: 21 });
const small = makeClassification({ rows: 301, cols: 4, informative: 3, redundant: 0, classes: 3, clustersPerClass: 1, seed: 22 });

function thetaAt(seed: number, length: number): Float64Array {
  return Float64Array.from({ length }, (_, i) => 0.3 * Math.sin(seed * 7.1 + i * 1.3));
}

test('the split threshold: the bench-sized fit splits, a small one does not', () => {
  assert.ok(splitsRows(big.X.rows, big.X.cols, 4), `${big.X.rows * big.X.cols * 4} ≥ ${PARALLEL_MIN_WORK}`);
  assert.ok(!splitsRows(big.X.rows - 1, big.X.cols, 4));
  assert.ok(!splitsRows(small.X.rows, small.X.cols, 3));
});

test('the worker computes the second half with the same bits as this thread, and matches the one-pass objective', async () => {
  const p = small.X.cols;
  const nTheta = 3 * p + 3;
  const threaded = new ParallelMultinomial(small.X, small.y, 3, 0.7, true, 'auto');
  const inThread = new ParallelMultinomial(small.X, small.y, 3, 0.7, true, 'never');
  const onePass = multinomialObjective(small.X, small.y, 3, 0.7, true);
  try {
    assert.equal(await threaded.ready(), true, 'the worker started');
    assert.equal(await inThread.ready(), false, "'never' starts no worker");
    for (let s = 0; s < 4; s++) {
      const theta = thetaAt(s, nTheta);
      const g1 = new Float64Array(nTheta);
      const g2 = new Float64Array(nTheta);
      const g3 = new Float64Array(nTheta);
      const f1 = await threaded.evaluate(theta, g1);
      const f2 = await inThread.evaluate(theta, g2);
      const f3 = onePass(theta, g3);
      assert.equal(f1, f2);
      assert.deepEqual(g1, g2);
      // Another order of summation than the one pass: equal to rounding.
      assert.ok(Math.abs(f1 - f3) <= 1e-12 * Math.abs(f3), `${f1} vs ${f3}`);
      for (let q = 0; q < nTheta; q++) assert.ok(Math.abs(g1[q] - g3[q]) <= 1e-9 * (1 + Math.abs(g3[q])), `gradient ${q}: ${g1[q]} vs ${g3[q]}`);
    }
    assert.deepEqual(threaded.stats(), { evaluations: 4, onWorker: 4 });
    assert.deepEqual(inThread.stats(), { evaluations: 4, onWorker: 0 });
  } finally {
    await threaded.close();
    await inThread.close();
  }
  assert.equal(liveLogisticWorkers(), 0);
});

// Stand-ins for a worker that dies: the real protocol (control indices from logisticWorkerProtocol.ts) up to the point of failure.
const DIES_ON_FIRST_REQUEST = {
  eval: true,
  script: `const { workerData } = require('node:worker_threads');
    const control = workerData.control;
    Atomics.store(control, 2, 1);
    Atomics.notify(control, 2);
    Atomics.wait(control, 0, 0);
    throw new Error('the worker died mid-request');`,
};
const FAILS_TO_LOAD = { eval: true, script: "throw new Error('the worker could not load');" };

for (const [how, entry] of [['dies mid-request', DIES_ON_FIRST_REQUEST], ['fails to load', FAILS_TO_LOAD]] as const) {
  test(`a worker that ${how}: this thread computes its half, with the same result`, async () => {
    const nTheta = 3 * small.X.cols + 3;
    const failing = new ParallelMultinomial(small.X, small.y, 3, 0.7, true, 'auto', entry);
    const inThread = new ParallelMultinomial(small.X, small.y, 3, 0.7, true, 'never');
    try {
      assert.equal(await failing.ready(), how === 'dies mid-request');
      for (let s = 0; s < 3; s++) {
        const theta = thetaAt(s, nTheta);
        const g1 = new Float64Array(nTheta);
        const g2 = new Float64Array(nTheta);
        assert.equal(await failing.evaluate(theta, g1), await inThread.evaluate(theta, g2));
        assert.deepEqual(g1, g2);
      }
      assert.deepEqual(failing.stats(), { evaluations: 3, onWorker: 0 });
    } finally {
      await failing.close();
    }
    assert.equal(liveLogisticWorkers(), 0);
  });
}

test('a split fit gives the same model bit for bit, run after run, with or without the worker', async (t) => {
  const fit = async (threads: 'auto' | 'never') => {
    const m = new LogisticRegressionModel({ C: 1, tol: 1e-4, max_iter: 1000, fit_intercept: true }, { threads });
    await m.fit(big.X, big.y, { task: 'classification', nClasses: 4 });
    return m;
  };
  const a = await fit('auto');
  const b = await fit('auto');
  const c = await fit('never');
  assert.equal(liveLogisticWorkers(), 0, 'every fit ended its worker');
  for (const m of [b, c]) {
    assert.deepEqual(m.coefficients().data, a.coefficients().data);
    assert.deepEqual(m.interceptValues(), a.interceptValues());
    assert.equal(m.fitInfo?.iterations, a.fitInfo?.iterations);
  }
  assert.equal(c.fitInfo?.parallel?.onWorker, 0);
  // Under tsx the worker loads its TypeScript first, so how many evaluations it takes varies; the bits never do.
  t.diagnostic(`evaluations with the worker: ${a.fitInfo?.parallel?.onWorker} and ${b.fitInfo?.parallel?.onWorker} of ${a.fitInfo?.parallel?.evaluations}`);
  assert.ok((a.fitInfo?.parallel?.evaluations ?? 0) > a.fitInfo!.iterations, 'the fit took the split path');
});

for (const how of ['throws', 'is aborted'] as const) {
  test(`a split fit that ${how} mid-fit leaves no thread behind`, async () => {
    const controller = new AbortController();
    let liveDuringFit = -1;
    const m = new LogisticRegressionModel({ C: 1, tol: 1e-4, max_iter: 1000, fit_intercept: true });
    const fit = m.fit(big.X, big.y, {
      task: 'classification',
      nClasses: 4,
      signal: controller.signal,
      onProgress: ({ step }) => {
        if (step < 2) return;
        liveDuringFit = liveLogisticWorkers();
        if (how === 'throws') throw new Error('progress sink failed');
        controller.abort();
      },
    });
    await assert.rejects(fit, how === 'throws' ? /progress sink failed/ : { name: 'AbortError' });
    assert.equal(liveDuringFit, 1, 'the fit had its worker');
    assert.equal(liveLogisticWorkers(), 0);
  });
}
