import assert from 'node:assert/strict';
import { test } from 'node:test';
import { binaryObjective, multinomialObjective } from './logisticObjective';
import { LogisticRegressionModel } from './logisticRegression';
import { CONTROL } from './logisticWorkerProtocol';
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

test("chunks the worker computes have the same bits as this thread's, and their sum matches the one-pass objective", async () => {
  const p = big.X.cols;
  const nTheta = 4 * p + 4;
  const threaded = new ParallelMultinomial(big.X, big.y, 4, 0.7, true, 'auto');
  const inThread = new ParallelMultinomial(big.X, big.y, 4, 0.7, true, 'never');
  const onePass = multinomialObjective(big.X, big.y, 4, 0.7, true);
  try {
    assert.equal(await threaded.ready(), true, 'the worker started');
    assert.equal(await inThread.ready(), false, "'never' starts no worker");
    // Which thread claims which chunk is timing: evaluate until the worker has taken part (it wakes within
    // microseconds of a request, an evaluation here lasts milliseconds), comparing every result.
    let evaluations = 0;
    for (let s = 0; evaluations < 4 || (threaded.stats().chunksOnWorker === 0 && evaluations < 200); s++, evaluations++) {
      const theta = thetaAt(s % 4, nTheta);
      const g1 = new Float64Array(nTheta);
      const g2 = new Float64Array(nTheta);
      const f1 = await threaded.evaluate(theta, g1);
      const f2 = await inThread.evaluate(theta, g2);
      assert.equal(f1, f2);
      assert.deepEqual(g1, g2);
      if (s < 4) {
        const g3 = new Float64Array(nTheta);
        const f3 = onePass(theta, g3);
        // Another order of summation than the one pass: equal to rounding.
        assert.ok(Math.abs(f1 - f3) <= 1e-12 * Math.abs(f3), `${f1} vs ${f3}`);
        for (let q = 0; q < nTheta; q++) assert.ok(Math.abs(g1[q] - g3[q]) <= 1e-9 * (1 + Math.abs(g3[q])), `gradient ${q}: ${g1[q]} vs ${g3[q]}`);
      }
    }
    assert.ok(threaded.stats().chunksOnWorker > 0, `the worker computed no chunk in ${evaluations} evaluations`);
    assert.deepEqual(inThread.stats(), { evaluations, chunks: 16, chunksOnWorker: 0 });
  } finally {
    await threaded.close();
    await inThread.close();
  }
  assert.equal(liveLogisticWorkers(), 0);
});

test('the binary objective (k = 1) in chunks: the worker\'s bits are this thread\'s, and the sum matches the one-pass objective', async () => {
  const binary = makeClassification({ rows: 40_000, cols: 12, informative: 6, redundant: 1, classes: 2, clustersPerClass: 1, seed: 23 });
  const nTheta = binary.X.cols + 1;
  assert.ok(!splitsRows(binary.X.rows, binary.X.cols, 1), 'a binary fit this size stays on one thread (BINARY_PARALLEL_MIN_WORK)');
  assert.ok(splitsRows(200_000, 50, 1));
  const threaded = new ParallelMultinomial(binary.X, binary.y, 1, 0.7, true, 'auto');
  const inThread = new ParallelMultinomial(binary.X, binary.y, 1, 0.7, true, 'never');
  const onePass = binaryObjective(binary.X, binary.y, 0.7, true);
  try {
    assert.equal(await threaded.ready(), true, 'the worker started');
    let evaluations = 0;
    for (let s = 0; evaluations < 4 || (threaded.stats().chunksOnWorker === 0 && evaluations < 200); s++, evaluations++) {
      const theta = thetaAt(s % 4, nTheta);
      const g1 = new Float64Array(nTheta);
      const g2 = new Float64Array(nTheta);
      const g3 = new Float64Array(nTheta);
      const f1 = await threaded.evaluate(theta, g1);
      const f2 = await inThread.evaluate(theta, g2);
      const f3 = onePass(theta, g3);
      assert.equal(f1, f2);
      assert.deepEqual(g1, g2);
      assert.ok(Math.abs(f1 - f3) <= 1e-12 * Math.abs(f3), `${f1} vs ${f3}`);
      for (let q = 0; q < nTheta; q++) assert.ok(Math.abs(g1[q] - g3[q]) <= 1e-9 * (1 + Math.abs(g3[q])), `gradient ${q}: ${g1[q]} vs ${g3[q]}`);
    }
    assert.ok(threaded.stats().chunksOnWorker > 0, `the worker computed no chunk in ${evaluations} evaluations`);
  } finally {
    await threaded.close();
    await inThread.close();
  }
  assert.equal(liveLogisticWorkers(), 0);
});

// Stand-ins for a worker that dies: the real protocol (logisticWorkerProtocol.ts) up to the point of failure.
const DIES_MID_REQUEST = {
  eval: true,
  script: `const { workerData } = require('node:worker_threads');
    const control = workerData.control;
    Atomics.store(control, ${CONTROL.ready}, 1);
    Atomics.notify(control, ${CONTROL.ready});
    Atomics.wait(control, ${CONTROL.request}, 0);
    Atomics.add(control, ${CONTROL.next}, 1); // claims a chunk and never finishes it
    throw new Error('the worker died mid-request');`,
};
const FAILS_TO_LOAD = { eval: true, script: "throw new Error('the worker could not load');" };

for (const [how, entry] of [['dies mid-request', DIES_MID_REQUEST], ['fails to load', FAILS_TO_LOAD]] as const) {
  test(`a worker that ${how}: this thread computes what it left, with the same result`, async () => {
    const nTheta = 4 * big.X.cols + 4;
    const failing = new ParallelMultinomial(big.X, big.y, 4, 0.7, true, 'auto', entry);
    const inThread = new ParallelMultinomial(big.X, big.y, 4, 0.7, true, 'never');
    try {
      assert.equal(await failing.ready(), how === 'dies mid-request');
      for (let s = 0; s < 3; s++) {
        const theta = thetaAt(s, nTheta);
        const g1 = new Float64Array(nTheta);
        const g2 = new Float64Array(nTheta);
        assert.equal(await failing.evaluate(theta, g1), await inThread.evaluate(theta, g2));
        assert.deepEqual(g1, g2);
      }
      assert.deepEqual(failing.stats(), { evaluations: 3, chunks: 16, chunksOnWorker: 0 });
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
  assert.equal(c.fitInfo?.parallel?.chunksOnWorker, 0);
  // Under tsx the worker loads its TypeScript first, and which thread claims a chunk is timing: the share varies, the bits never do.
  const share = (m: LogisticRegressionModel) => `${m.fitInfo?.parallel?.chunksOnWorker} of ${(m.fitInfo?.parallel?.evaluations ?? 0) * 16}`;
  t.diagnostic(`chunks the worker computed: ${share(a)} and ${share(b)}`);
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
