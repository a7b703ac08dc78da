import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { RunStore } from './runStore';
import { tempDir } from './testing/tempStore';

const WRITERS = 4;
const POINTS = 20_000;
const BATCH = 100;

test('four writer processes and a reader share one store without a single error', { timeout: 240_000 }, async (t) => {
  const dir = path.join(tempDir(t), '.runlens'); // does not exist yet: the processes race to create it
  const script = path.join(import.meta.dirname ?? __dirname, 'testing', 'concurrentWriter.ts');
  const children = Array.from({ length: WRITERS }, (_, i) => {
    const child = fork(script, [dir, String(POINTS), String(BATCH), `writer-${i}`], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const runId = new Promise<string>((resolve) => child.on('message', (m: { runId: string }) => resolve(m.runId)));
    const exit = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
    return { runId, exit };
  });
  let done = false;
  const exits = Promise.all(children.map((c) => c.exit)).finally(() => (done = true));

  // The reader: lists runs, reads summaries and downsamples while the writers write.
  let reads = 0;
  let versions = 0;
  let store: RunStore | undefined;
  let lastVersion = -1;
  while (!done) {
    store ??= RunStore.open(dir); // races the writers to create and migrate the store
    const rows = store.listRuns({ filter: "attributes.experiment = 'concurrency'", sort: 'metrics.loss DESC' });
    for (const r of rows) {
      store.getMetricSummaries(r.id);
      store.downsampleMetric(r.id, 'loss', 200);
    }
    const v = store.dataVersion();
    if (v !== lastVersion) versions++;
    lastVersion = v;
    reads++;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const results = await exits;
  for (const r of results) assert.equal(r.code, 0, `writer failed:\n${r.stderr}`);
  const runIds = await Promise.all(children.map((c) => c.runId));
  assert.ok(reads > 3, `reader only ran ${reads} times`);
  assert.ok(versions > 1, 'the reader never saw a change');

  const s = store ?? RunStore.open(dir);
  t.after(() => s.close());
  for (const id of runIds) {
    const run = s.getRun(id);
    assert.equal(run.status, 'finished');
    const sums = Object.fromEntries(s.getMetricSummaries(id).map((m) => [m.key, m.count]));
    assert.deepEqual(sums, { acc: POINTS / 2, loss: POINTS / 2 });
    assert.equal(s.getMetricHistory(id, 'loss').steps.length, POINTS / 2);
    assert.equal(s.listArtifacts(id).length, 1);
  }
  assert.equal(s.listExperiments().length, 1);
  const db = new Database(path.join(dir, 'store.db'), { readonly: true });
  t.after(() => db.close());
  assert.equal(db.prepare('SELECT count(*) FROM metric_points').pluck().get(), WRITERS * POINTS);
  assert.equal(db.prepare('SELECT count(DISTINCT sha256) FROM artifacts').pluck().get(), 1);
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
});
