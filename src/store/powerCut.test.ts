/**
 * Power cuts: a real writer process is killed with SIGKILL at a random moment
 * while it logs batches, 100 times over one store. After each cut the store
 * must pass integrity_check and hold every batch the writer reported as
 * committed, and no half batch (issue #12 part 2).
 */
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { buildSync } from 'esbuild';
import { Rng } from '../core/util/rng';
import { RunStore } from './runStore';
import { tempDir } from './testing/tempStore';

const CUTS = 100;
const BATCH = 200;
const REPO_NODE_MODULES = path.resolve(import.meta.dirname ?? __dirname, '..', '..', 'node_modules');

/** A pinned stream (core/util/rng, seed 7): which batch each cut follows is the same on every run. */
function rng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.next();
}

test(`a writer killed with SIGKILL mid-batch ${CUTS} times: integrity_check passes and every reported batch is there`, { timeout: 600_000 }, async (t) => {
  const root = tempDir(t);
  const dir = path.join(root, '.runlens');
  // Bundled once to plain JS, so each of the 100 children starts in node's time, not tsx's.
  const script = path.join(root, 'powerCutWriter.js');
  buildSync({ entryPoints: [path.join(import.meta.dirname ?? __dirname, 'testing', 'powerCutWriter.ts')], bundle: true, platform: 'node', format: 'cjs', external: ['better-sqlite3'], outfile: script, logLevel: 'error' });
  const random = rng(7);
  const reported = new Map<string, number>();
  for (let cut = 0; cut < CUTS; cut++) {
    const killAfter = 1 + Math.floor(random() * 4);
    const child = fork(script, [dir, String(BATCH)], { env: { ...process.env, NODE_PATH: REPO_NODE_MODULES }, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const outcome = await new Promise<{ runId: string; batches: number; signal: NodeJS.Signals | null }>((resolve) => {
      let runId = '';
      let batches = 0;
      child.on('message', (m: { type: 'run'; runId: string } | { type: 'committed'; batches: number }) => {
        if (m.type === 'run') runId = m.runId;
        else {
          batches = m.batches;
          // The cut: while the writer is already inside its next batch.
          if (batches === killAfter) child.kill('SIGKILL');
        }
      });
      child.on('exit', (_code, signal) => resolve({ runId, batches, signal }));
    });
    assert.equal(outcome.signal, 'SIGKILL', `writer ${cut} ended on its own:\n${stderr}`);
    assert.ok(outcome.runId, `writer ${cut} never reported its run:\n${stderr}`);
    reported.set(outcome.runId, outcome.batches);

    const db = new Database(path.join(dir, 'store.db'));
    const check = db.pragma('integrity_check', { simple: true });
    const count = db.prepare(`SELECT s.count, (SELECT count(*) FROM metric_points p WHERE p.series_id = s.id) AS points
                              FROM metric_series s WHERE s.run_id = ? AND s.key = 'loss'`).get(outcome.runId) as { count: number; points: number };
    db.close();
    assert.equal(check, 'ok', `after cut ${cut}`);
    assert.ok(count.points >= outcome.batches * BATCH, `cut ${cut}: ${count.points} points, ${outcome.batches} batches reported committed`);
    assert.equal(count.points % BATCH, 0, `cut ${cut}: a half batch is visible`);
    assert.equal(count.count, count.points, `cut ${cut}: the series summary agrees with its points`);
  }
  // And the store opens as usual afterwards, every killed run marked failed with its metrics kept.
  const store = RunStore.open(dir);
  t.after(() => store.close());
  assert.deepEqual(store.integrityCheck(), ['ok']);
  for (const [runId, batches] of reported) {
    assert.equal(store.getRun(runId).status, 'failed');
    const steps = store.getMetricHistory(runId, 'loss').steps;
    assert.ok(steps.length >= batches * BATCH);
    assert.deepEqual(Array.from(steps.slice(0, batches * BATCH)), Array.from({ length: batches * BATCH }, (_, i) => i));
  }
});
