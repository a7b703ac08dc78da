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
  // 60,000 points over three series, shipped in 20 flushes: about 70 lines of up to 1,000 points.
  for (let f = 0; f < 20; f++) {
    for (const key of ['loss', 'acc', 'lr']) {
      scratch.logMetrics(root.id, Array.from({ length: 1000 }, (_, i) => ({ key, value: f * 1000 + i, step: f * 1000 + i })));
    }
    scratch.setTags(root.id, { flush: String(f) });
    shipper.flush();
  }
  scratch.setStatus(root.id, 'finished');
  shipper.finish({ status: 'finished', exitCode: 0 });
  const all = readSpoolLines(spoolPaths(taskDir).events, 0);
  const points = all.lines.reduce((n, l) => n + (l.event.t === 'metrics' ? l.event.points.length : 0), 0);
  assert.equal(points, 60_000);

  // Small transactions (one line each), so the two interleave line by line on the store's write lock.
  const a = startIngester(ws.dir, taskDir, wsRun.id, 1);
  const b = startIngester(ws.dir, taskDir, wsRun.id, 1);
  await Promise.all([a.ready, b.ready]);
  a.child.stdin.end('go\n');
  b.child.stdin.end('go\n');
  const [ra, rb] = await Promise.all([a.exited, b.exited]);

  assert.equal(ra.events + rb.events, all.lines.length, `each event applied once (${ra.events} + ${rb.events})`);
  assert.equal(ra.points + rb.points, 60_000);
  assert.ok(ra.events > 0 && rb.events > 0, `both processes applied some events (${ra.events} and ${rb.events}): they ran at once`);
  for (const key of ['loss', 'acc', 'lr']) {
    const h = ws.getMetricHistory(wsRun.id, key);
    assert.equal(h.values.length, 20_000, key);
    assert.deepEqual(Array.from(h.steps), Array.from({ length: 20_000 }, (_, i) => i), `${key}: every step once, in order`);
  }
  assert.equal(ws.getTags(wsRun.id).flush, '19');
  assert.equal(ws.getTags(wsRun.id)[TAG_SPOOL_OFFSET], String(fs.statSync(spoolPaths(taskDir).events).size));
  assert.equal(ws.getRun(wsRun.id).status, 'finished');
  assert.equal(ingestSpool(ws, taskDir, wsRun.id).events, 0, 'nothing left');
});
