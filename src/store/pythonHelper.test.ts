import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { RunStore } from './runStore';
import { tempDir } from './testing/tempStore';
import { integrityOk, printedId, runPy, runPyAsync, tsStore } from './testing/pythonHelperProcess';
const LOGGING_SCRIPT = String.raw`
import runlens, math
with runlens.start_run(experiment="py", name="first", tags={"team": "ml", "n": 3}) as run:
    runlens.log_params({"lr": 0.01, "epochs": 20, "flag": True, "none": None, "ratio": 1.0})
    runlens.log_param("lr", 0.01)  # same value again: fine
    for i in range(1000):
        runlens.log_metric("loss", float("nan") if i == 500 else 1.0 / (i + 1), step=i)
    runlens.log_metrics({"acc": 0.5, "last_nan": 1.0}, step=0)
    runlens.log_metrics({"acc": 0.9, "last_nan": float("nan")}, step=1)
    runlens.log_metric("inf", float("inf"))
    runlens.set_tag("team", "core")
    with open("model.txt", "w") as f:
        f.write("weights " * 1000)
    runlens.log_artifact("model.txt", artifact_path="models")
    try:
        runlens.log_param("lr", 0.02)
        raise SystemExit("changing a param did not raise")
    except runlens.RunLensError as e:
        assert "immutable" in str(e), e
print(run.id)
`;

test('params, 1,000 metric points with a NaN, tags and an artifact read back through the TS store', { timeout: 60_000 }, (t) => {
  const root = tempDir(t);
  const dir = tsStore(root);
  const id = printedId(runPy(LOGGING_SCRIPT, root));
  const store = RunStore.open(dir);
  t.after(() => store.close());

  const run = store.getRun(id);
  assert.equal(run.status, 'finished');
  assert.equal(run.experiment, 'py');
  assert.equal(run.name, 'first');
  assert.equal(run.error, null);
  assert.ok(run.pid !== null && run.pid !== process.pid);
  assert.ok(run.host);
  assert.ok(run.endedAt !== null && run.startedAt !== null && run.endedAt >= run.startedAt);

  // Texts as the TS writer makes them (String(1.0) is "1" in JS).
  assert.deepEqual(store.getParams(id), { epochs: '20', flag: 'true', lr: '0.01', none: 'null', ratio: '1' });
  assert.deepEqual(store.getTags(id), { n: '3', team: 'core' });
  assert.equal(store.listRuns({ filter: 'params.lr < 0.1' }).filter((r) => r.id === id).length, 1, 'params.num not set');

  const sums = Object.fromEntries(store.getMetricSummaries(id).map((m) => [m.key, m]));
  assert.deepEqual(Object.keys(sums), ['acc', 'inf', 'last_nan', 'loss']);
  assert.equal(sums.loss.count, 1000);
  assert.equal(sums.loss.min, 1 / 1000);
  assert.equal(sums.loss.max, 1);
  assert.equal(sums.loss.latest, 1 / 1000);
  assert.equal(sums.loss.latestStep, 999);
  assert.ok(Number.isNaN(sums.last_nan.latest), 'a NaN latest reads back as NaN');
  assert.equal(sums.last_nan.min, 1);
  assert.equal(sums.last_nan.max, 1);
  assert.equal(sums.acc.latest, 0.9);
  assert.equal(sums.inf.latest, Infinity);
  assert.equal(sums.inf.latestStep, 0);

  const h = store.getMetricHistory(id, 'loss');
  assert.equal(h.values.length, 1000);
  assert.deepEqual([...h.steps], Array.from({ length: 1000 }, (_, i) => i));
  assert.ok(Number.isNaN(h.values[500]));
  assert.equal(h.values[0], 1);
  assert.equal(h.values[999], 1 / 1000);
  // The downsampler reads what Python wrote (no roll-up blocks: it falls back to a scan).
  assert.equal(store.downsampleMetric(id, 'loss', 100).values.length > 0, true);

  const arts = store.listArtifacts(id);
  assert.equal(arts.length, 1);
  assert.equal(arts[0].path, 'models/model.txt');
  const content = 'weights '.repeat(1000);
  const sha = createHash('sha256').update(content).digest('hex');
  assert.equal(arts[0].sha256, sha);
  assert.equal(arts[0].size, content.length);
  assert.equal(fs.readFileSync(store.artifactPath(sha), 'utf8'), content);
  assert.equal(store.artifactPath(sha), path.join(dir, 'artifacts', sha.slice(0, 2), sha));
  assert.deepEqual(fs.readdirSync(path.join(dir, 'artifacts', 'tmp')), [], 'temp file left behind');
  store.close();
  integrityOk(dir);
});

test('steps default to latest + 1 and go on after the TS writer logged the same series', (t) => {
  const root = tempDir(t);
  const dir = tsStore(root);
  const store = RunStore.open(dir);
  t.after(() => store.close());
  const run = store.createRun({ experiment: 'mix' });
  store.logMetrics(run.id, [{ key: 'm', value: 5, step: 10 }, { key: 'm', value: 7, step: 3 }]);
  const r = runPy(
    `import runlens\nr = runlens.start_run()\nrunlens.log_metric("m", 1)\nrunlens.log_metric("m", -2)\nrunlens.end_run()\nprint(r.id)`,
    root,
    { RUNLENS_RUN_ID: run.id, RUNLENS_STORE: dir },
  );
  assert.equal(printedId(r), run.id);
  const [m] = store.getMetricSummaries(run.id);
  assert.deepEqual({ count: m.count, latest: m.latest, latestStep: m.latestStep, min: m.min, max: m.max }, {
    count: 4, latest: -2, latestStep: 12, min: -2, max: 7,
  });
  assert.equal(store.getRun(run.id).status, 'running', 'an attached run keeps the status its launcher sets');
  const db = new Database(path.join(dir, 'store.db'), { readonly: true });
  t.after(() => db.close());
  const seqs = db.prepare('SELECT seq, step FROM metric_points p JOIN metric_series s ON s.id = p.series_id WHERE s.run_id = ? ORDER BY seq').raw().all(run.id);
  assert.deepEqual(seqs, [[0, 10], [1, 3], [2, 11], [3, 12]]);
  assert.equal(db.prepare('SELECT monotonic FROM metric_series WHERE run_id = ?').pluck().get(run.id), 0);
});

test('an exception inside `with start_run()` marks the run failed with its message; Ctrl-C marks it killed', (t) => {
  const root = tempDir(t);
  const dir = tsStore(root);
  const failed = runPy(
    `import runlens\ntry:\n    with runlens.start_run(experiment="boom") as r:\n        runlens.log_metric("x", 1)\n        raise ValueError("diverged at step 7")\nexcept ValueError:\n    print(r.id)`,
    root,
  );
  const killed = runPy(
    `import runlens\ntry:\n    with runlens.start_run(experiment="boom") as r:\n        raise KeyboardInterrupt\nexcept KeyboardInterrupt:\n    print(r.id)`,
    root,
  );
  const uncaught = runPy(`import runlens\nrunlens.log_metric("x", 1)\nprint(runlens.active_run().id, flush=True)\nraise RuntimeError("no with block")`, root);
  assert.notEqual(uncaught.code, 0);
  const store = RunStore.open(dir);
  t.after(() => store.close());
  const f = store.getRun(printedId(failed));
  assert.equal(f.status, 'failed');
  assert.equal(f.error, 'ValueError: diverged at step 7');
  assert.equal(store.getMetricSummaries(f.id)[0].count, 1, 'points logged before the error are kept');
  const k = store.getRun(printedId(killed));
  assert.equal(k.status, 'killed');
  const u = store.getRun(printedId({ ...uncaught, code: 0 }));
  assert.equal(u.status, 'failed');
  assert.equal(u.error, 'RuntimeError: no with block');
  assert.equal(u.experiment, 'default');
});

test('a Python writer and a TS writer log into one run at once: no busy error, exact counts', { timeout: 120_000 }, async (t) => {
  const root = tempDir(t);
  const dir = tsStore(root);
  const store = RunStore.open(dir);
  t.after(() => store.close());
  const run = store.createRun({ experiment: 'race', pid: process.pid });
  const PY_POINTS = 20_000;
  const TS_BATCHES = 200;
  const py = runPyAsync(
    String.raw`
import runlens
runlens.FLUSH_POINTS = 50
with runlens.start_run() as r:
    for i in range(${PY_POINTS}):
        runlens.log_metrics({"py": i, "shared": i})
        if i % 2000 == 0:
            runlens.set_tag("py_progress", i)
print(r.id)
`,
    root,
    { RUNLENS_RUN_ID: run.id, RUNLENS_STORE: dir },
  );
  let exited = false;
  void py.then(() => (exited = true));
  let tsBatches = 0;
  // Keep writing until Python is done (at least TS_BATCHES batches), yielding so its exit is seen.
  while (!exited || tsBatches < TS_BATCHES) {
    // Negative values mark the TS writer's points in the shared series.
    store.logMetrics(run.id, Array.from({ length: 20 }, (_, j) => ({ key: j % 2 ? 'ts' : 'shared', value: -1 - j })));
    tsBatches++;
    await new Promise((resolve) => setImmediate(resolve));
  }
  const r = await py;
  assert.equal(printedId(r), run.id);
  assert.doesNotMatch(r.stderr, /locked|busy/i);
  const counts = Object.fromEntries(store.getMetricSummaries(run.id).map((m) => [m.key, m.count]));
  assert.deepEqual(counts, { py: PY_POINTS, shared: PY_POINTS + tsBatches * 10, ts: tsBatches * 10 });
  // seq is dense per series whoever wrote the point.
  const db = new Database(path.join(dir, 'store.db'), { readonly: true });
  t.after(() => db.close());
  const seq = db
    .prepare(`SELECT count(*) AS n, min(seq) AS lo, max(seq) AS hi, count(DISTINCT seq) AS d FROM metric_points p
              JOIN metric_series s ON s.id = p.series_id WHERE s.run_id = ? AND s.key = 'shared'`)
    .get(run.id) as { n: number; lo: number; hi: number; d: number };
  assert.deepEqual(seq, { n: PY_POINTS + tsBatches * 10, lo: 0, hi: PY_POINTS + tsBatches * 10 - 1, d: PY_POINTS + tsBatches * 10 });
  assert.equal(store.getTags(run.id).py_progress, '18000');
  // The writers overlapped in time: each one's first point precedes the other's last (seq is commit order).
  // How finely they interleave is the scheduler's choice and is not asserted.
  const span = db
    .prepare(`SELECT value < 0 AS ts, min(seq) AS first, max(seq) AS last FROM metric_points p
              JOIN metric_series s ON s.id = p.series_id WHERE s.run_id = ? AND s.key = 'shared' GROUP BY value < 0`)
    .all(run.id) as { ts: number; first: number; last: number }[];
  const pySpan = span.find((x) => x.ts === 0)!;
  const tsSpan = span.find((x) => x.ts === 1)!;
  assert.ok(pySpan.first < tsSpan.last && tsSpan.first < pySpan.last, `the writers did not overlap: ${JSON.stringify(span)}`);
  store.close();
  integrityOk(dir);
});

test('sklearn autolog logs params and training_score; log_test_metrics logs test metrics', { timeout: 60_000 }, (t) => {
  const root = tempDir(t);
  const dir = tsStore(root);
  const r = runPy(
    String.raw`
import runlens
from sklearn.datasets import load_iris, load_diabetes
from sklearn.linear_model import LogisticRegression, LinearRegression
from sklearn.ensemble import RandomForestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
runlens.sklearn.autolog()
X, y = load_iris(return_X_y=True)
with runlens.start_run(experiment="sk") as a:
    clf = LogisticRegression(C=0.5, max_iter=500).fit(X, y)
    runlens.sklearn.log_test_metrics(clf, X, y)
print(a.id)
m = make_pipeline(StandardScaler(), RandomForestClassifier(n_estimators=5, random_state=0)).fit(X, y)
print(runlens._stores and list(runlens._stores.values())[0].conn.execute("SELECT id FROM runs ORDER BY created_at DESC, rowid DESC LIMIT 1").fetchone()[0])
Xd, yd = load_diabetes(return_X_y=True)
with runlens.start_run(experiment="sk") as c:
    runlens.sklearn.log_test_metrics(LinearRegression().fit(Xd, yd), Xd, yd)
print(c.id)
`,
    root,
  );
  assert.equal(r.code, 0, r.stderr);
  const [lr, pipe, reg] = r.stdout.trim().split('\n').slice(-3);
  const store = RunStore.open(dir);
  t.after(() => store.close());

  const p = store.getParams(lr);
  assert.equal(p.C, '0.5');
  assert.equal(p.max_iter, '500');
  assert.equal(store.getTags(lr).estimator_class, 'sklearn.linear_model._logistic.LogisticRegression');
  const m = Object.fromEntries(store.getMetricSummaries(lr).map((s) => [s.key, s.latest]));
  assert.ok(m.training_score > 0.9 && m.training_score <= 1, `training_score ${m.training_score}`);
  assert.ok(m.test_accuracy > 0.9);
  assert.ok(m.test_f1 > 0.9);

  // A fit outside a run gets a run of its own; the pipeline's inner fits are not logged separately.
  const pr = store.getRun(pipe);
  assert.equal(pr.status, 'finished');
  assert.equal(store.getParams(pipe).randomforestclassifier__n_estimators, '5');
  assert.deepEqual(store.getMetricSummaries(pipe).map((s) => [s.key, s.count]), [['training_score', 1]]);

  const rm = Object.fromEntries(store.getMetricSummaries(reg).map((s) => [s.key, s.latest]));
  assert.ok(rm.training_score > 0.4 && rm.training_score < 0.7, `r2 ${rm.training_score}`);
  assert.ok(Math.abs(rm.test_r2 - rm.training_score) < 1e-9);
  assert.ok(rm.test_rmse > 40 && rm.test_rmse < 70, `rmse ${rm.test_rmse}`);
  assert.equal(store.listRuns({ filter: "attributes.experiment = 'sk'" }).length, 2);
});

test('buffered points are written within FLUSH_SECONDS without another call; a crashed run is marked failed', { timeout: 60_000 }, (t) => {
  const root = tempDir(t);
  const dir = tsStore(root);
  const r = runPy(
    String.raw`
import os, sqlite3, time, runlens
runlens.FLUSH_SECONDS = 0.2
r = runlens.start_run(experiment="crash")
runlens.log_metric("m", 1.5)
time.sleep(1.5)
seen = sqlite3.connect(os.path.join(".runlens", "store.db")).execute(
    "SELECT count FROM metric_series WHERE run_id = ?", (r.id,)).fetchone()
print(seen[0] if seen else 0)
print(r.id, flush=True)
os._exit(3)  # dies without atexit: nothing ends the run
`,
    root,
  );
  assert.equal(r.code, 3, r.stderr);
  const [seen, id] = r.stdout.trim().split('\n');
  assert.equal(seen, '1', 'the background thread did not flush');
  const store = RunStore.open(dir); // marks runs whose local pid is gone as failed
  t.after(() => store.close());
  const run = store.getRun(id);
  assert.equal(run.status, 'failed');
  assert.match(run.error ?? '', /died without finishing/);
  assert.equal(store.getMetricSummaries(id)[0].latest, 1.5);
});
