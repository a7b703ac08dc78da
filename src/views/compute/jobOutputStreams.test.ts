import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualTimers } from '../../core/util/manualTimers';
import { JobOutputStreams } from './jobOutputStreams';

function setup(t: { after(fn: () => void): void }, tailBytes?: number) {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-joblog-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out: string[] = [];
  const timers = new ManualTimers();
  const streams = new JobOutputStreams({ output: (name, text) => out.push(`${name}|${text}`), timers, ...(tailBytes !== undefined ? { tailBytes } : {}) });
  t.after(() => streams.dispose());
  return { dir, out, streams, timers };
}

test('a followed job\'s output reaches the channel as whole lines, at each read; a line still being written waits', (t) => {
  const { dir, out, streams, timers } = setup(t);
  const file = join(dir, 'output.log');
  const log = { runId: 'r1', name: 'brave-otter-1', file };
  streams.update([log]);
  assert.deepEqual(out, [], 'no file yet (the job has not started): nothing, no error');
  writeFileSync(file, '[data] 120 rows\n[fit] epo');
  timers.fire();
  assert.deepEqual(out, ['brave-otter-1|[data] 120 rows\n']);
  streams.update([log]);
  timers.fire();
  assert.equal(out.length, 1, 'followed once however often it is listed; nothing new, nothing told');
  appendFileSync(file, 'ch 1\n[fit] epoch 2\n');
  timers.fire();
  assert.deepEqual(out.slice(1), ['brave-otter-1|[fit] epoch 1\n[fit] epoch 2\n']);
});

test('a job no longer followed gets a last read, its unfinished last line included; two jobs are kept apart', (t) => {
  const { dir, out, streams } = setup(t);
  const a = { runId: 'a', name: 'trial-0', file: join(dir, 'a.log') };
  const b = { runId: 'b', name: 'trial-1', file: join(dir, 'b.log') };
  writeFileSync(a.file, 'a1\n');
  writeFileSync(b.file, 'b1\n');
  streams.update([a, b]);
  appendFileSync(a.file, 'a2 (killed mid-line');
  streams.update([b]);
  assert.deepEqual(out, ['trial-0|a1\n', 'trial-1|b1\n', 'trial-0|a2 (killed mid-line']);
  assert.deepEqual(streams.following, ['b']);
  appendFileSync(b.file, 'b2');
  streams.dispose();
  assert.deepEqual(out.slice(3), ['trial-1|b2'], 'dispose reads each stream a last time');
});

test('opened mid-job, only the whole lines of the tail of a long output are shown', (t) => {
  const { dir, out, streams } = setup(t, 15);
  const file = join(dir, 'output.log');
  writeFileSync(file, `${'x'.repeat(100)}\nlast line\n`);
  streams.update([{ runId: 'r', name: 'n', file }]);
  assert.deepEqual(out, ['n|last line\n']);
});
