/** The job's small parts: the manifest and its task, the exit code a job ends with, the output log followed on a timer. */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { Timers } from '../../core/util/timers';
import { followJobLog } from './followJobLog';
import { jobPaths, readManifest, taskOf, writeManifest, type JobManifest } from './jobManifest';
import { exitCodeOf } from './runJobTask';

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'runlens-jobparts-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const manifest = (tasks: number): JobManifest => ({
  version: 1, kind: tasks > 1 ? 'sweep' : 'run', rootRunId: 'r'.repeat(32), configPath: '/w/a.train.yaml', overrides: ['seed=1'],
  profile: { name: 'gpu', backend: 'slurm', partition: 'debug' }, createdAt: 1,
  tasks: Array.from({ length: tasks }, (_, i) => ({ index: i, runId: `run${i}`, runName: `n-${i}`, experiment: 'e', overrides: [`model.params.max_depth=${i + 1}`], params: { 'model.params.max_depth': i + 1 }, tags: {} })),
});

test('the manifest is written with a folder and an empty output.log per task (Slurm creates no folders), and reads back', (t) => {
  const dir = tempDir(t);
  const paths = jobPaths(path.join(dir, '.runlens'), 'r'.repeat(32), true);
  writeManifest(paths, manifest(3));
  assert.deepEqual(readManifest(paths.manifest), manifest(3));
  for (const i of [0, 1, 2]) assert.equal(readFileSync(paths.outputLog(i), 'utf8'), '');
  assert.equal(paths.outputPattern, path.join(paths.dir, '%a', 'output.log'));
  assert.equal(jobPaths(dir, 'x', false).outputPattern, path.join(dir, 'jobs', 'x', '0', 'output.log'));
});

test('a job runs the task of SLURM_ARRAY_TASK_ID, task 0 without it; a task the manifest lacks is an error', () => {
  const m = manifest(3);
  assert.equal(taskOf(m, {}).runId, 'run0');
  assert.equal(taskOf(m, { SLURM_ARRAY_TASK_ID: '2' }).runId, 'run2');
  assert.throws(() => taskOf(m, { SLURM_ARRAY_TASK_ID: '3' }), /no task 3 \(tasks 0-2\)/);
});

test('a file that is not a manifest is one line naming it', (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'manifest.json');
  writeFileSync(file, '{"version": 9}');
  assert.throws(() => readManifest(file), new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a RunLens job manifest`));
  writeFileSync(file, '{');
  assert.throws(() => readManifest(file), /cannot read the job manifest/);
});

test('the job\'s exit code follows the run: 0, the command\'s own code, 143 when cancelled, else 1', () => {
  assert.equal(exitCodeOf({ status: 'finished', metrics: {} }), 0);
  assert.equal(exitCodeOf({ status: 'killed', metrics: {} }), 143);
  assert.equal(exitCodeOf({ status: 'failed', metrics: {}, error: { kind: 'internal', message: 'python3 exited with code 3' } }), 3);
  assert.equal(exitCodeOf({ status: 'failed', metrics: {}, error: { kind: 'data', message: 'no such column' } }), 1);
});

/** Timers a test fires by hand. */
function manualTimers(): Timers & { fire(): void; pending: number } {
  let queue: (() => void)[] = [];
  return {
    setTimeout: (fn) => (queue.push(fn), queue.length),
    clearTimeout: () => (queue = []),
    fire() {
      const due = queue;
      queue = [];
      for (const fn of due) fn();
    },
    get pending() {
      return queue.length;
    },
  };
}

test('followJobLog: nothing before the file exists, then each append once, a character split across reads whole, the last lines on stop', (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'output.log');
  const timers = manualTimers();
  const seen: string[] = [];
  const f = followJobLog({ file, timers, onText: (s) => seen.push(s) });
  assert.deepEqual(seen, []);
  writeFileSync(file, 'line 1\n');
  timers.fire();
  const euro = Buffer.from('€\n');
  appendFileSync(file, Buffer.concat([Buffer.from('price '), euro.subarray(0, 1)]));
  timers.fire();
  appendFileSync(file, euro.subarray(1));
  timers.fire();
  timers.fire();
  appendFileSync(file, 'last\n');
  f.stop();
  assert.equal(timers.pending, 0);
  assert.deepEqual(seen, ['line 1\n', 'price ', '€\n', 'last\n']);
});
