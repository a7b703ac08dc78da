/**
 * Two ingesters in two processes at once (the editor and `runlens jobs sync`)
 * on one spool and one workspace store: every event is applied exactly once.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { RunStore } from '../../store/runStore';
import { tempDir } from '../../store/testing/tempStore';
import { ingestSpool, TAG_SPOOL_OFFSET } from './ingestSpool';
import { readSpoolLines, spoolPaths } from './spoolEvents';
import { SpoolShipper } from './spoolShipper';

const TSX = pathToFileURL(require.resolve('tsx')).href;
const INGESTER = path.join(__dirname, 'testing', 'ingestProcess.ts');

function startIngester(storeDir: string, taskDir: string, runId: string, maxBytes: number) {
  const child = spawn(process.execPath, ['--import', TSX, INGESTER, storeDir, taskDir, runId, String(maxBytes)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
  const ready = new Promise<void>((resolve) => createInterface({ input: child.stdout }).on('line', (l) => {
    lines.push(l);
    if (l === 'ready') resolve();
  }));
  const exited = once(child, 'exit').then(([code]) => {
    assert.equal(code, 0, stderr);
    return JSON.parse(lines.at(-1)!) as { events: number; points: number; offset: number };
  });
  return { child, ready, exited };
}

test('two processes ingesting one spool at once apply every event exactly once', async (t) => {
  const dir = tempDir(t);
  const scratch = RunStore.open(path.join(dir, 'scratch'));
  const ws = RunStore.open(path.join(dir, 'ws'));
  t.after(() => (scratch.close(), ws.close()));
  const taskDir = path.join(dir, 'jobs', 'x', '0');
  const wsRun = ws.createRun({ experiment: 'e', name: 'r', status: 'queued', tags: { 'runlens.compute': 'slurm' } });
  const root = scratch.createRun({ experiment: 'e', name: 'r', status: 'running' });
  const shipper = new SpoolShipper({ store: scratch, rootRunId: root.id, taskDir });
  // 150,000 points over three series, shipped in 20 flushes: about 170 lines of up to 1,000 points.
  for (let f = 0; f < 20; f++) {
    for (const key of ['loss', 'acc', 'lr']) {
      scratch.logMetrics(root.id, Array.from({ length: 2500 }, (_, i) => ({ key, value: f * 2500 + i, step: f * 2500 + i })));
    }
    scratch.setTags(root.id, { flush: String(f) });
    shipper.flush();
  }
  scratch.setStatus(root.id, 'finished');
  shipper.finish({ status: 'finished', exitCode: 0 });
  const all = readSpoolLines(spoolPaths(taskDir).events, 0);
  const points = all.lines.reduce((n, l) => n + (l.event.t === 'metrics' ? l.event.points.length : 0), 0);
  assert.equal(points, 150_000);

  // Small transactions (one line each), so the two interleave line by line on the store's write lock.
  const a = startIngester(ws.dir, taskDir, wsRun.id, 1);
  const b = startIngester(ws.dir, taskDir, wsRun.id, 1);
  await Promise.all([a.ready, b.ready]);
  a.child.stdin.end('go\n');
  b.child.stdin.end('go\n');
  const [ra, rb] = await Promise.all([a.exited, b.exited]);

  assert.equal(ra.events + rb.events, all.lines.length, `each event applied once (${ra.events} + ${rb.events})`);
  assert.equal(ra.points + rb.points, 150_000);
  // How the lines split between the two is up to SQLite's lock (one may take them all while the other waits);
  // both started from offset 0 at once, so an offset read outside the transaction applies lines twice (checked).
  t.diagnostic(`lines applied: ${ra.events} by one process, ${rb.events} by the other`);
  for (const key of ['loss', 'acc', 'lr']) {
    const h = ws.getMetricHistory(wsRun.id, key);
    assert.equal(h.values.length, 50_000, key);
    assert.deepEqual(Array.from(h.steps), Array.from({ length: 50_000 }, (_, i) => i), `${key}: every step once, in order`);
  }
  assert.equal(ws.getTags(wsRun.id).flush, '19');
  assert.equal(ws.getTags(wsRun.id)[TAG_SPOOL_OFFSET], String(fs.statSync(spoolPaths(taskDir).events).size));
  assert.equal(ws.getRun(wsRun.id).status, 'finished');
  assert.equal(ingestSpool(ws, taskDir, wsRun.id).events, 0, 'nothing left');
});
