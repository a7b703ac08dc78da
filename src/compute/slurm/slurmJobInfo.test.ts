import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JOBCOMP, SCONTROL_CONFIG, SCONTROL_ENDED, SCONTROL_PENDING, SQUEUE_ENDED, SQUEUE_LIVE } from '../testing/slurmCaptures';
import { jobKey, normalizeTimeLimit, parseExitCode, parseJobcomp, parseSacct, parseScontrolConfig, parseScontrolJobs, parseSqueue } from './slurmJobInfo';
import type { SlurmJobInfo } from './slurmJobInfo';

const byKey = (infos: SlurmJobInfo[]): Map<string, SlurmJobInfo> => new Map(infos.map((i) => [jobKey(i.jobId, i.arrayTaskId), i]));

test('squeue: pending jobs with their reasons, array tasks one per key, the running node, exit status of ended jobs', () => {
  const jobs = byKey(parseSqueue(SQUEUE_LIVE));
  assert.equal(jobs.size, 13);
  assert.deepEqual(jobs.get('11'), { jobId: '11', state: 'PENDING', reason: 'Resources', timeLimit: '1-12:30:00', source: 'squeue' });
  assert.deepEqual(jobs.get('13_2'), { jobId: '13', arrayTaskId: 2, state: 'PENDING', reason: 'Priority', source: 'squeue' });
  assert.deepEqual([...jobs.keys()].filter((k) => k.startsWith('13')).sort(), ['13_0', '13_1', '13_2', '13_3']);
  assert.equal(jobs.get('12')?.reason, 'JobHeldUser');
  assert.equal(jobs.get('14')?.reason, 'BeginTime');
  assert.deepEqual(jobs.get('10'), { jobId: '10', state: 'RUNNING', node: 'vm', timeLimit: '2:00:00', source: 'squeue' });
  // exit_code is the raw wait status: 768 = exit 3, 9 = SIGKILL, 15 = SIGTERM
  assert.deepEqual(jobs.get('6'), { jobId: '6', state: 'FAILED', reason: 'NonZeroExitCode', node: 'vm', exitCode: 3, source: 'squeue' });
  assert.deepEqual(jobs.get('7'), { jobId: '7', state: 'FAILED', reason: 'JobLaunchFailure', node: 'vm', exitCode: 0, signal: 9, source: 'squeue' });
  assert.deepEqual(jobs.get('8'), { jobId: '8', state: 'TIMEOUT', reason: 'TimeLimit', node: 'vm', exitCode: 0, signal: 15, timeLimit: '0:01:00', source: 'squeue' });
  assert.deepEqual(jobs.get('1'), { jobId: '1', state: 'COMPLETED', node: 'vm', exitCode: 0, source: 'squeue' });
});

test('squeue: cancelled jobs, pending or running', () => {
  const jobs = byKey(parseSqueue(SQUEUE_ENDED));
  assert.equal(jobs.get('10')?.state, 'CANCELLED');
  assert.equal(jobs.get('10')?.signal, 15);
  assert.deepEqual(['13_0', '13_1', '13_2', '13_3'].map((k) => jobs.get(k)?.state), ['CANCELLED', 'CANCELLED', 'CANCELLED', 'CANCELLED']);
  assert.equal(parseSqueue('').length, 0);
});

test('scontrol: a name with spaces, a pending array expanded to its tasks, ended jobs with exit code and signal', () => {
  const pending = byKey(parseScontrolJobs(SCONTROL_PENDING));
  assert.deepEqual(pending.get('11'), { jobId: '11', state: 'PENDING', reason: 'Resources', timeLimit: '1-12:30:00', source: 'scontrol' });
  assert.deepEqual([...pending.keys()], ['11', '13_0', '13_1', '13_2', '13_3']);
  assert.equal(pending.get('13_3')?.reason, 'Priority');

  const ended = byKey(parseScontrolJobs(SCONTROL_ENDED));
  assert.deepEqual(ended.get('8'), { jobId: '8', state: 'TIMEOUT', reason: 'TimeLimit', node: 'vm', exitCode: 0, signal: 15, timeLimit: '0:01:00', source: 'scontrol' });
  assert.deepEqual(ended.get('6'), { jobId: '6', state: 'FAILED', reason: 'NonZeroExitCode', node: 'vm', exitCode: 3, source: 'scontrol' });
  assert.equal(ended.get('7')?.signal, 9);
  assert.equal(ended.get('9')?.state, 'CANCELLED');
  assert.equal(ended.get('11')?.state, 'CANCELLED');
  assert.deepEqual([...ended.keys()].filter((k) => k.startsWith('13_')), ['13_0', '13_1', '13_2', '13_3']);
});

test('jobcomp: array tasks under the array id, minutes as a time limit, the exit code; a quoted job name does not shift fields', () => {
  const jobs = parseJobcomp(JOBCOMP);
  assert.deepEqual(jobs.get('2_0'), { jobId: '2', arrayTaskId: 0, state: 'COMPLETED', node: 'vm', exitCode: 0, source: 'jobcomp' });
  assert.equal(jobs.get('2_3')?.state, 'COMPLETED');
  assert.equal(jobs.has('3'), false, 'JobId=3 is array task 2_0, not a job of its own');
  assert.deepEqual(jobs.get('6'), { jobId: '6', state: 'FAILED', node: 'vm', exitCode: 3, source: 'jobcomp' });
  assert.equal(jobs.get('7')?.signal, 9);
  assert.deepEqual(jobs.get('8'), { jobId: '8', state: 'TIMEOUT', node: 'vm', exitCode: 0, timeLimit: '0:01:00', source: 'jobcomp' });
  assert.equal(jobs.get('13')?.state, 'CANCELLED', 'a pending array cancelled whole is one line');
  assert.equal(jobs.get('15')?.state, 'COMPLETED');
});

test('jobcomp: when job ids restart (the controller state was dropped), the newest line of an id wins', () => {
  const old = JOBCOMP.split('\n').find((l) => l.startsWith('JobId=6 '))!;
  const newer = JOBCOMP.split('\n').find((l) => l.startsWith('JobId=9 '))!.replace('JobId=9 ', 'JobId=6 ');
  assert.equal(parseJobcomp(`${old}\n${newer}\n`).get('6')?.state, 'CANCELLED');
  assert.equal(parseJobcomp(`${newer}\n${old}\n`).get('6')?.state, 'FAILED');
});

test('sacct -P: states with a suffix, array tasks, a bracketed pending range (no real accounting here: lines in sacct -P -X form)', () => {
  const jobs = byKey(parseSacct('41|COMPLETED|0:0|vm|01:00:00|None\n42|CANCELLED by 0|0:15|vm|UNLIMITED|None\n43_1|FAILED|3:0|vm|00:10:00|NonZeroExitCode\n43_[2-3%2]|PENDING|0:0|None assigned|00:10:00|JobArrayTaskLimit\n'));
  assert.deepEqual(jobs.get('41'), { jobId: '41', state: 'COMPLETED', node: 'vm', exitCode: 0, timeLimit: '1:00:00', source: 'sacct' });
  assert.equal(jobs.get('42')?.state, 'CANCELLED');
  assert.equal(jobs.get('43_1')?.exitCode, 3);
  assert.deepEqual([jobs.get('43_2')?.reason, jobs.get('43_3')?.state], ['JobArrayTaskLimit', 'PENDING']);
});

test('scontrol show config: the jobcomp file and the accounting type', () => {
  const config = parseScontrolConfig(SCONTROL_CONFIG);
  assert.equal(config.JobCompType, 'jobcomp/filetxt');
  assert.equal(config.JobCompLoc, '/var/log/slurm/jobcomp.log');
  assert.equal(config.AccountingStorageType, 'accounting_storage/none');
});

test('time limits in every spelling read as [D-]H:MM:SS', () => {
  assert.equal(normalizeTimeLimit('1:00'), '0:01:00'); // squeue: M:SS
  assert.equal(normalizeTimeLimit('00:01:00'), '0:01:00'); // scontrol
  assert.equal(normalizeTimeLimit('1:00:00'), '1:00:00');
  assert.equal(normalizeTimeLimit('1-12:30:00'), '1-12:30:00');
  assert.equal(normalizeTimeLimit('2-0'), '2-00:00:00');
  assert.equal(normalizeTimeLimit('90'), '1:30:00'); // minutes
  assert.equal(normalizeTimeLimit('UNLIMITED'), undefined);
  assert.equal(normalizeTimeLimit(undefined), undefined);
  assert.deepEqual(parseExitCode('3:0'), [3, 0]);
  assert.deepEqual(parseExitCode('0:15'), [0, 15]);
  assert.deepEqual(parseExitCode('bad'), [undefined, undefined]);
});
