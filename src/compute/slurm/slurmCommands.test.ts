import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { SBATCH_BAD_PARTITION, SBATCH_BAD_TIME } from '../testing/slurmCaptures';
import { SlurmUnavailableError, sbatch, scancel, slurmErrorLine, squeue } from './slurmCommands';
import { cancelJob, sbatchArgs, submitJob } from './submitJob';
import { jobStates } from './jobStates';

const UNAVAILABLE = "Slurm's commands are not on PATH here: run RunLens on the cluster's login node, e.g. through Remote-SSH";

test('no Slurm on PATH: every entry point says where to run RunLens', async (t) => {
  const empty = mkdtempSync(path.join(tmpdir(), 'runlens-nopath-'));
  t.after(() => rmSync(empty, { recursive: true, force: true }));
  const env = { PATH: empty };
  const unavailable = (e: unknown): boolean => e instanceof SlurmUnavailableError && e.message === UNAVAILABLE;
  await assert.rejects(sbatch(['--version'], { env }), unavailable);
  await assert.rejects(squeue(['-h'], { env }), unavailable);
  await assert.rejects(scancel(['1'], { env }), unavailable);
  await assert.rejects(submitJob({ scriptPath: 'job.sh', cwd: empty, env }), unavailable);
  await assert.rejects(jobStates(['1', '2_3'], { env }), unavailable);
  await assert.rejects(cancelJob('1', { env }), unavailable);
  await assert.rejects(squeue(['-h'], { binDir: empty }), unavailable);
});

test('a working folder that does not exist is named as such, not as a missing Slurm', async () => {
  await assert.rejects(sbatch(['x.sh'], { cwd: '/nonexistent/runlens-folder' }), /sbatch: the folder \/nonexistent\/runlens-folder does not exist/);
});

test("Slurm's error as one line (captured stderr of sbatch)", () => {
  assert.equal(slurmErrorLine(SBATCH_BAD_PARTITION), 'invalid partition specified: nosuch; Batch job submission failed: Invalid partition name specified');
  assert.equal(slurmErrorLine(SBATCH_BAD_TIME), 'Invalid --time specification');
  assert.equal(slurmErrorLine('slurm_load_jobs error: Invalid job id specified\n'), 'slurm_load_jobs error: Invalid job id specified');
  assert.equal(slurmErrorLine(''), '');
});

test('sbatch arguments: --parsable, the array with its limit, --hold, the script last', () => {
  assert.deepEqual(sbatchArgs({ scriptPath: '/j/job.sh' }), ['--parsable', '/j/job.sh']);
  assert.deepEqual(sbatchArgs({ scriptPath: 'job.sh', array: { count: 4, parallel: 2 }, hold: true }), ['--parsable', '--array=0-3%2', '--hold', 'job.sh']);
  assert.deepEqual(sbatchArgs({ scriptPath: 'job.sh', array: { count: 4, parallel: 4 } }), ['--parsable', '--array=0-3', 'job.sh']);
  assert.deepEqual(sbatchArgs({ scriptPath: 'job.sh', array: { count: 1 } }), ['--parsable', '--array=0-0', 'job.sh']);
  assert.throws(() => sbatchArgs({ scriptPath: 'job.sh', array: { count: 0 } }), RangeError);
  assert.throws(() => sbatchArgs({ scriptPath: 'job.sh', array: { count: 3, parallel: 0 } }), RangeError);
});

test('cancelJob takes only job and array-task ids', async () => {
  await assert.rejects(cancelJob('1; rm -rf /'), /not a Slurm job id/);
  await assert.rejects(cancelJob('-u root'), /not a Slurm job id/);
});
