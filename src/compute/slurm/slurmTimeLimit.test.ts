// The one time-limit test against the real cluster: `--time=1` is a minute, and slurmctld checks limits
// every 30 s (no setting changes that), so the job ends TIMEOUT 60-90 s after it starts.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { pidAlive } from '../../core/util/pidAlive';
import { startRealSlurm, waitForJobs } from '../testing/realSlurm';
import { renderJobScript } from './jobScript';
import { isEndedState } from './slurmJobInfo';
import { slurmStateToRun } from './slurmStateToRun';
import { cancelJob, submitJob } from './submitJob';

test("a job past its time: 1 (one minute) limit ends TIMEOUT, the run failed 'time limit 0:01:00 reached', its process gone", async (t) => {
  const cluster = await startRealSlurm();
  if ('skip' in cluster) return t.skip(cluster.skip);
  const dir = mkdtempSync(path.join(tmpdir(), 'runlens-slurm-timeout-'));
  const jobs: string[] = [];
  t.after(async () => {
    for (const job of jobs) await cancelJob(job, { env: cluster.env }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });
  // the job runs until Slurm stops it (the loop never ends by itself)
  const script = renderJobScript({ profile: { name: 'short', time: '1' }, command: ['bash', '-c', 'echo $$ > pid; while :; do sleep 1; done'], outputPath: path.join(dir, 'output.log'), cwd: dir });
  writeFileSync(path.join(dir, 'job.sh'), script);
  const { jobId } = await submitJob({ scriptPath: path.join(dir, 'job.sh'), cwd: dir, env: cluster.env });
  jobs.push(jobId);

  const running = await waitForJobs(cluster, [jobId], 'the job to run', (s) => s.get(jobId)?.state === 'RUNNING' && existsSync(path.join(dir, 'pid')));
  assert.equal(running.get(jobId)?.timeLimit, '0:01:00');
  const pid = Number(readFileSync(path.join(dir, 'pid'), 'utf8'));

  // generous: a minute, plus up to 30 s to the controller's next check, plus a loaded machine
  const ended = await waitForJobs(cluster, [jobId], 'TIMEOUT', (s) => isEndedState(s.get(jobId)?.state ?? ''), { timeoutMs: 10 * 60_000 });
  const info = ended.get(jobId)!;
  assert.deepEqual([info.state, info.reason, info.timeLimit], ['TIMEOUT', 'TimeLimit', '0:01:00']);
  assert.deepEqual(slurmStateToRun(info), { status: 'failed', error: 'time limit 0:01:00 reached' });
  const deadline = Date.now() + 120_000; // SIGTERM, then SIGKILL KillWait (5 s) later
  while (pidAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.equal(pidAlive(pid), false, 'the job was stopped, not left running');
});
