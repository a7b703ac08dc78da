/**
 * doctor's diagnosis and --repair on real damaged files: garbled pages, a
 * foreign view, an emptied database. The repaired store must pass
 * integrity_check and the shape check, hold every row that was readable,
 * and the old file must be kept beside it.
 */
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { diagnoseStore } from './doctor';
import { storePaths } from './location';
import { repairStore } from './repair';
import { RunStore } from './runStore';
import { SCHEMA_VERSION } from './schema';
import { garblePages, storeWithRuns, tamper } from './testing/damagedStores';
import { tempDir } from './testing/tempStore';

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);
const KEPT = 'store.db.damaged-2026-01-02T03-04-05-000Z';

function pointsPerRun(file: string): Record<string, number> {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare(`SELECT r.name, count(p.series_id) AS n FROM runs r JOIN metric_series s ON s.run_id = r.id
                             LEFT JOIN metric_points p ON p.series_id = s.id GROUP BY r.name`).all() as { name: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.name, r.n]));
  } finally {
    db.close();
  }
}

test('a healthy store: doctor finds nothing; orphaned and missing blobs and a dead run are problems, not damage', (t) => {
  const dir = path.join(tempDir(t), '.runlens');
  const [id] = storeWithRuns(dir, { runs: 2, points: 100 });
  const paths = storePaths(dir);
  const healthy = diagnoseStore(paths, { now: NOW });
  assert.deepEqual([healthy.problems, healthy.integrity, healthy.blobs, healthy.repairable], [[], ['ok'], 2, false]);

  const store = RunStore.open(dir);
  const blob = store.artifactPath(store.listArtifacts(id!)[0]!.sha256);
  const dead = store.createRun({ experiment: 'damage', name: 'ghost', pid: 2 ** 22 + 17 });
  store.close();
  fs.renameSync(blob, `${path.dirname(blob)}/${'f'.repeat(64)}`);
  const sick = diagnoseStore(paths, { now: NOW, isAlive: () => false });
  assert.deepEqual(sick.problems, [
    '1 artifact blobs are referenced by no row (`runlens gc` removes them)',
    `blob ${path.basename(blob)} is missing (referenced by artifact model.txt of run ${id!.slice(0, 8)})`,
    `run ghost (${dead.id.slice(0, 8)}) says running but its process ${2 ** 22 + 17} is gone (a read-write open marks it failed)`,
  ]);
  assert.equal(sick.repairable, false);
});

test('garbled pages: doctor reports integrity_check; --repair copies every readable row into a new store and keeps the old file', (t) => {
  const dir = path.join(tempDir(t), '.runlens');
  storeWithRuns(dir, { runs: 3, points: 4000 });
  const paths = storePaths(dir);
  const before = pointsPerRun(paths.db);
  garblePages(paths.db, 'metric_points', 2);
  const damagedBytes = fs.readFileSync(paths.db);

  const report = diagnoseStore(paths, { now: NOW });
  assert.equal(report.repairable, true);
  assert.match(report.problems[0]!, new RegExp(`^${paths.db} fails integrity_check: `));

  const repair = repairStore(paths, NOW);
  assert.equal(repair.method, 'row-copy');
  assert.equal(repair.keptAs, path.join(dir, KEPT));
  assert.deepEqual(fs.readFileSync(path.join(dir, KEPT)), damagedBytes, 'the damaged file is kept byte for byte');
  assert.equal(repair.runs, 3);
  const after = pointsPerRun(paths.db);
  const lostPoints = Object.values(before).reduce((a, b) => a + b, 0) - repair.metricPoints;
  assert.ok(lostPoints > 0 && lostPoints < 1000, `two 4 KiB pages hold a few hundred points, lost ${lostPoints}`);
  assert.equal(repair.tables.metric_points?.unreadable, lostPoints, 'the loss is counted through the primary key index');
  assert.deepEqual(repair.lost, [`table metric_points: ${lostPoints} rows could not be read (database disk image is malformed)`]);
  assert.deepEqual(Object.keys(after).sort(), ['run-0', 'run-1', 'run-2']);

  // The new store is whole, opens, and its summaries agree with the points that are left.
  const healed = diagnoseStore(paths, { now: NOW });
  assert.deepEqual([healed.integrity, healed.problems], [['ok'], []]);
  const store = RunStore.open(dir);
  t.after(() => store.close());
  assert.equal(store.damage, undefined);
  for (const run of store.listRuns()) {
    const [summary] = store.getMetricSummaries(run.id);
    assert.equal(summary!.count, after[run.name]);
    assert.equal(store.getMetricHistory(run.id, 'loss').steps.length, after[run.name]);
  }
  store.createRun({ experiment: 'damage', name: 'after-repair' });
});

test('a foreign view: --repair copies the RunLens tables and leaves the view behind, naming it', (t) => {
  const dir = path.join(tempDir(t), '.runlens');
  storeWithRuns(dir, { runs: 2, points: 50 });
  tamper(path.join(dir, 'store.db'), `CREATE VIEW spy AS WITH RECURSIVE f(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM f) SELECT n FROM f;`);
  const paths = storePaths(dir);
  assert.deepEqual(diagnoseStore(paths, { now: NOW }).problems, [`${paths.db} is not a RunLens store of schema ${SCHEMA_VERSION}: it has a view "spy" that RunLens did not create`]);
  const repair = repairStore(paths, NOW);
  assert.equal(repair.method, 'row-copy');
  assert.deepEqual([repair.runs, repair.metricPoints], [2, 100]);
  assert.deepEqual(repair.lost, [`${paths.db} is not a RunLens store of schema ${SCHEMA_VERSION}: it has a view "spy" that RunLens did not create`]);
  const store = RunStore.open(dir);
  t.after(() => store.close());
  assert.equal(store.listRuns().length, 2);
});

test('an emptied store.db beside artifacts: --repair sets it aside and starts a new store; the blobs stay', (t) => {
  const dir = path.join(tempDir(t), '.runlens');
  storeWithRuns(dir, { runs: 1, points: 10 });
  fs.writeFileSync(path.join(dir, 'store.db'), '');
  fs.rmSync(path.join(dir, 'store.db-wal'), { force: true });
  const paths = storePaths(dir);
  const report = diagnoseStore(paths, { now: NOW });
  assert.match(report.problems[0]!, /store\.db is empty \(0 bytes\) but .* still holds RunLens data \(artifacts\/[0-9a-f]{2}\)$/);
  const repair = repairStore(paths, NOW);
  assert.deepEqual([repair.method, repair.runs, repair.lost], ['new-empty', 0, [`${paths.db} was empty (0 bytes): no runs to recover`]]);
  assert.equal(fs.statSync(path.join(dir, KEPT)).size, 0);
  const store = RunStore.open(dir);
  t.after(() => store.close());
  assert.throws(() => store.gc(), /gc refused: .* references no artifact blobs but .* holds 1;/, 'the old blobs are safe from gc');
});

test('doctor does not call a live run stale when it is a pull\'s copy of a run on a tracking server', (t) => {
  const dir = path.join(tempDir(t), '.runlens');
  const store = RunStore.open(dir, { now: () => NOW - 3_600_000 });
  const remote = store.createRun({ experiment: 'team', name: 'on-the-server' });
  store.sync.linkRun({ runId: remote.id, server: 'http://127.0.0.1:5000', remoteRunId: remote.id, remoteExperimentId: '1', artifactUri: 'mlflow-artifacts:/1', statusSent: null, inputsSent: 0, pulledAt: NOW - 3_600_000 });
  store.createRun({ experiment: 'team', name: 'here' });
  store.close();
  const report = diagnoseStore(storePaths(dir), { now: NOW });
  assert.deepEqual(report.staleRuns.map((r) => r.name), ['here'], 'the pulled run lives on the server: the next pull brings its status');
});

test('doctor does not call a cluster run stale: Slurm decides its end, not a heartbeat here', (t) => {
  const dir = path.join(tempDir(t), '.runlens');
  const store = RunStore.open(dir, { now: () => NOW - 3_600_000 });
  const job = store.createRun({ experiment: 'hpc', name: 'on-a-node', tags: { 'runlens.compute': 'slurm' } });
  store.createRun({ experiment: 'hpc', name: 'its-fold', parentId: job.id });
  store.createRun({ experiment: 'hpc', name: 'here' });
  store.close();
  const report = diagnoseStore(storePaths(dir), { now: NOW });
  assert.deepEqual(report.staleRuns.map((r) => r.name), ['here']);
});
