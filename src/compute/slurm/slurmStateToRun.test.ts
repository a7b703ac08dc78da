import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SCONTROL_ENDED, SQUEUE_LIVE } from '../testing/slurmCaptures';
import { jobKey, parseScontrolJobs, parseSqueue } from './slurmJobInfo';
import type { SlurmJobInfo } from './slurmJobInfo';
import { slurmStateToRun } from './slurmStateToRun';

const job = (state: string, more: Partial<SlurmJobInfo> = {}): SlurmJobInfo => ({ jobId: '1', state, source: 'squeue', ...more });

test('live states: PENDING is queued with its reason, RUNNING and COMPLETING run on their node', () => {
  assert.deepEqual(slurmStateToRun(job('PENDING', { reason: 'Resources' })), { status: 'queued', reason: 'Resources' });
  assert.deepEqual(slurmStateToRun(job('PENDING', { reason: 'Priority' })), { status: 'queued', reason: 'Priority' });
  assert.deepEqual(slurmStateToRun(job('RUNNING', { node: 'gpu3' })), { status: 'running', node: 'gpu3' });
  assert.deepEqual(slurmStateToRun(job('COMPLETING', { node: 'gpu3' })), { status: 'running', node: 'gpu3' });
  assert.deepEqual(slurmStateToRun(job('REQUEUED')), { status: 'queued', reason: 'REQUEUED' });
  assert.deepEqual(slurmStateToRun(job('REQUEUE_HOLD', { reason: 'JobHeldAdmin' })), { status: 'queued', reason: 'JobHeldAdmin' });
  assert.equal(slurmStateToRun(job('SUSPENDED', { node: 'n1' })).status, 'running');
});

test('ended states: finished, failed with the exit code, the time limit, out of memory; cancelled is killed', () => {
  assert.deepEqual(slurmStateToRun(job('COMPLETED', { exitCode: 0 })), { status: 'finished' });
  assert.deepEqual(slurmStateToRun(job('FAILED', { exitCode: 3, reason: 'NonZeroExitCode' })), { status: 'failed', error: 'exit code 3' });
  assert.deepEqual(slurmStateToRun(job('FAILED', { exitCode: 0, signal: 9 })), { status: 'failed', error: 'killed by signal 9' });
  assert.deepEqual(slurmStateToRun(job('FAILED', { reason: 'JobLaunchFailure' })), { status: 'failed', error: 'failed (JobLaunchFailure)' });
  assert.deepEqual(slurmStateToRun(job('TIMEOUT', { timeLimit: '1:00:00' })), { status: 'failed', error: 'time limit 1:00:00 reached' });
  assert.deepEqual(slurmStateToRun(job('OUT_OF_MEMORY')), { status: 'failed', error: 'out of memory' });
  assert.deepEqual(slurmStateToRun(job('CANCELLED', { signal: 15 })), { status: 'killed' });
});

test('failures of the cluster name themselves', () => {
  assert.deepEqual(slurmStateToRun(job('NODE_FAIL')), { status: 'failed', error: 'the node failed (NODE_FAIL)' });
  assert.deepEqual(slurmStateToRun(job('PREEMPTED')), { status: 'failed', error: 'preempted by a higher-priority job (PREEMPTED)' });
  assert.deepEqual(slurmStateToRun(job('BOOT_FAIL', { reason: 'NodeDown' })), { status: 'failed', error: 'the node failed to boot (BOOT_FAIL): NodeDown' });
  assert.deepEqual(slurmStateToRun(job('DEADLINE')), { status: 'failed', error: 'the deadline passed before it ran (DEADLINE)' });
});

test('a state this code does not know never ends the run', () => {
  assert.deepEqual(slurmStateToRun(job('SOMETHING_NEW')), { status: 'queued', reason: 'Slurm state SOMETHING_NEW' });
});

test("the captured outputs map as the issue says: the real TIMEOUT reads 'time limit 0:01:00 reached', exit 3 'exit code 3'", () => {
  const live = new Map(parseSqueue(SQUEUE_LIVE).map((i) => [jobKey(i.jobId, i.arrayTaskId), slurmStateToRun(i)]));
  assert.deepEqual(live.get('11'), { status: 'queued', reason: 'Resources' });
  assert.deepEqual(live.get('13_1'), { status: 'queued', reason: 'Priority' });
  assert.deepEqual(live.get('10'), { status: 'running', node: 'vm' });
  const ended = new Map(parseScontrolJobs(SCONTROL_ENDED).map((i) => [jobKey(i.jobId, i.arrayTaskId), slurmStateToRun(i)]));
  assert.deepEqual(ended.get('8'), { status: 'failed', error: 'time limit 0:01:00 reached' });
  assert.deepEqual(ended.get('6'), { status: 'failed', error: 'exit code 3' });
  assert.deepEqual(ended.get('9'), { status: 'killed' });
  assert.deepEqual(ended.get('13_2'), { status: 'killed' });
});
