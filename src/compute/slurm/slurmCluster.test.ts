// Against the real one-node Slurm cluster (src/compute/testing/realSlurm.ts starts it): submit, read the
// state back, arrays with a concurrency limit, scancel, a failing job, and what Slurm refuses.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, test } from 'node:test';
import type { TestContext } from 'node:test';
import { pidAlive } from '../../core/util/pidAlive';
import { startRealSlurm, waitForJobs } from '../testing/realSlurm';
import type { NoSlurm, RealSlurm } from '../testing/realSlurm';
import { renderJobScript } from './jobScript';
import type { SlurmProfileOptions } from './jobScript';
import { jobStates } from './jobStates';
import { SlurmCommandError, scontrol, squeue } from './slurmCommands';
import { isEndedState, parseJobcomp } from './slurmJobInfo';
import { slurmStateToRun } from './slurmStateToRun';
import { cancelJob, submitJob } from './submitJob';

let cluster: RealSlurm | NoSlurm;
before(async () => {
  cluster = await startRealSlurm();
});

/** The cluster, or undefined after marking the test skipped with the reason. */
function slurmOrSkip(t: TestContext): RealSlurm | undefined {
  if ('skip' in cluster) {
    t.skip(cluster.skip);
    return undefined;
  }
  return cluster;
}

/** A folder for one test's job files, removed after it (with its jobs cancelled). */
function jobFolder(t: TestContext, slurm: RealSlurm, jobs: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'runlens-slurm-test-'));
  t.after(async () => {
    for (const id of jobs) await cancelJob(id, { env: slurm.env }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** Writes job.sh for `command` and submits it; the job's output goes to output.log, an array task's to output-<task>.log. */
async function submit(slurm: RealSlurm, dir: string, command: string[], more: { profile?: Partial<SlurmProfileOptions>; array?: { count: number; parallel?: number }; jobName?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const script = renderJobScript({ profile: { name: 'test', ...more.profile }, command, outputPath: path.join(dir, more.array ? 'output-%a.log' : 'output.log'), jobName: more.jobName ?? 'runlens-test', cwd: dir });
  writeFileSync(path.join(dir, 'job.sh'), script);
  const { jobId } = await submitJob({ scriptPath: path.join(dir, 'job.sh'), cwd: dir, env: { ...slurm.env, ...more.env }, array: more.array, binDir: slurm.binDir });
  return jobId;
}

/** bash that waits for the test to create `go` (the job's own wait, so the test sees it running), then prints what it got. */
const WAIT_FOR_GO = ['bash', '-c', 'echo $$ > "pid-${SLURM_ARRAY_TASK_ID:-0}"; while [ ! -e go ]; do sleep 0.2; done; echo "probe=$RUNLENS_PROBE task=${SLURM_ARRAY_TASK_ID:-none} args=$*"', 'job', "it's", '$(x)'];

test('a script job: queued or running, running on the node, then COMPLETED with its output; the environment and a hostile name arrive unchanged', async (t) => {
  const slurm = slurmOrSkip(t);
  if (!slurm) return;
  const jobs: string[] = [];
  const dir = jobFolder(t, slurm, jobs);
  const name = `runlens 'job' $(x) ${path.basename(dir)}`;
  const id = await submit(slurm, dir, WAIT_FOR_GO, { jobName: name, env: { RUNLENS_PROBE: `say "hi" $HOME` } });
  jobs.push(id);
  assert.match(id, /^\d+$/);

  const before: string[] = [];
  const running = await waitForJobs(slurm, [id], 'the job to run', (s) => s.get(id)?.state === 'RUNNING', { onSample: (s) => before.push(s.get(id)?.state ?? 'absent') });
  assert.deepEqual([...new Set(before)].filter((s) => s !== 'PENDING' && s !== 'RUNNING'), [], 'only PENDING, then RUNNING');
  assert.deepEqual(slurmStateToRun(running.get(id)!), { status: 'running', node: slurm.node });
  const shown = (await scontrol(['show', 'job', '-o', id], { env: slurm.env })).stdout;
  assert.ok(shown.includes(`JobName=${name} `), `sbatch read the quoted --job-name back whole: ${shown.slice(0, 200)}`);

  writeFileSync(path.join(dir, 'go'), '');
  const ended = await waitForJobs(slurm, [id], 'the job to end', (s) => isEndedState(s.get(id)?.state ?? ''));
  const info = ended.get(id)!;
  assert.equal(info.state, 'COMPLETED');
  assert.equal(info.exitCode, 0);
  assert.deepEqual(slurmStateToRun(info), { status: 'finished' });
  assert.equal(readFileSync(path.join(dir, 'output.log'), 'utf8'), `probe=say "hi" $HOME task=none args=it's $(x)\n`);
});

test('an array 0-3%2: never more than 2 tasks running (sampled), every task COMPLETED with its own output', async (t) => {
  const slurm = slurmOrSkip(t);
  if (!slurm) return;
  const jobs: string[] = [];
  const dir = jobFolder(t, slurm, jobs);
  const id = await submit(slurm, dir, ['bash', '-c', 'echo "task $SLURM_ARRAY_TASK_ID of $SLURM_ARRAY_JOB_ID"; sleep 4'], { array: { count: 4, parallel: 2 } });
  jobs.push(id);
  const keys = [0, 1, 2, 3].map((i) => `${id}_${i}`);
  let most = 0;
  let samples = 0;
  const done = await waitForJobs(slurm, [id], 'all four tasks to end', (s) => keys.every((k) => isEndedState(s.get(k)?.state ?? '')), {
    onSample: (s) => {
      samples++;
      most = Math.max(most, keys.filter((k) => s.get(k)?.state === 'RUNNING').length);
    },
  });
  assert.ok(most <= 2, `at most 2 running at once, saw ${most}`);
  assert.ok(most >= 1 && samples > 1, `the tasks were seen running (${samples} samples)`);
  for (const [i, key] of keys.entries()) {
    assert.deepEqual([done.get(key)?.jobId, done.get(key)?.arrayTaskId, done.get(key)?.state], [id, i, 'COMPLETED']);
    assert.equal(readFileSync(path.join(dir, `output-${i}.log`), 'utf8'), `task ${i} of ${id}\n`);
  }
});

test('scancel: a running job is CANCELLED, the run killed, its processes gone', async (t) => {
  const slurm = slurmOrSkip(t);
  if (!slurm) return;
  const jobs: string[] = [];
  const dir = jobFolder(t, slurm, jobs);
  const id = await submit(slurm, dir, WAIT_FOR_GO);
  jobs.push(id);
  await waitForJobs(slurm, [id], 'the job to run and write its pid', (s) => s.get(id)?.state === 'RUNNING' && existsSync(path.join(dir, 'pid-0')));
  const pid = Number(readFileSync(path.join(dir, 'pid-0'), 'utf8'));
  assert.ok(pidAlive(pid));

  await cancelJob(id, { env: slurm.env });
  const ended = await waitForJobs(slurm, [id], 'CANCELLED', (s) => isEndedState(s.get(id)?.state ?? ''));
  assert.equal(ended.get(id)?.state, 'CANCELLED');
  assert.deepEqual(slurmStateToRun(ended.get(id)!), { status: 'killed' });
  const deadline = Date.now() + 120_000; // SIGTERM, then SIGKILL KillWait (5 s) later
  while (pidAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.equal(pidAlive(pid), false, `the job's shell (${pid}) is gone`);
  await cancelJob(id, { env: slurm.env }); // an ended job: not an error
});

test('scancel of one array task: that task CANCELLED, the other runs on and completes', async (t) => {
  const slurm = slurmOrSkip(t);
  if (!slurm) return;
  const jobs: string[] = [];
  const dir = jobFolder(t, slurm, jobs);
  const id = await submit(slurm, dir, WAIT_FOR_GO, { array: { count: 2, parallel: 2 } });
  jobs.push(id);
  await waitForJobs(slurm, [id], 'task 0 to run', (s) => s.get(`${id}_0`)?.state === 'RUNNING');
  await cancelJob(`${id}_1`, { env: slurm.env });
  const after = await waitForJobs(slurm, [id], 'task 1 cancelled', (s) => s.get(`${id}_1`)?.state === 'CANCELLED');
  assert.equal(after.get(`${id}_0`)?.state, 'RUNNING');
  writeFileSync(path.join(dir, 'go'), '');
  const done = await waitForJobs(slurm, [id], 'task 0 to end', (s) => isEndedState(s.get(`${id}_0`)?.state ?? ''));
  assert.deepEqual([done.get(`${id}_0`)?.state, done.get(`${id}_1`)?.state], ['COMPLETED', 'CANCELLED']);
  assert.deepEqual(slurmStateToRun(done.get(`${id}_1`)!), { status: 'killed' });
});

test("exit 3: FAILED, the run failed with 'exit code 3'; the jobcomp file keeps it, and jobStates falls back to it for a job squeue no longer knows", async (t) => {
  const slurm = slurmOrSkip(t);
  if (!slurm) return;
  const jobs: string[] = [];
  const dir = jobFolder(t, slurm, jobs);
  const id = await submit(slurm, dir, ['bash', '-c', 'echo failing; exit 3']);
  jobs.push(id);
  const ended = await waitForJobs(slurm, [id], 'the job to end', (s) => isEndedState(s.get(id)?.state ?? ''));
  assert.deepEqual([ended.get(id)?.state, ended.get(id)?.exitCode, ended.get(id)?.reason], ['FAILED', 3, 'NonZeroExitCode']);
  assert.deepEqual(slurmStateToRun(ended.get(id)!), { status: 'failed', error: 'exit code 3' });
  assert.equal(readFileSync(path.join(dir, 'output.log'), 'utf8'), 'failing\n');

  assert.ok(slurm.jobcompFile, 'the test cluster keeps a jobcomp file');
  const jobcompLine = (): string | undefined => readFileSync(slurm.jobcompFile!, 'utf8').split('\n').filter((l) => l.startsWith(`JobId=${id} `)).at(-1);
  // slurmctld appends the line as the job ends; squeue may say FAILED a moment before it is on disk
  const deadline = Date.now() + 60_000;
  while (!jobcompLine() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const line = jobcompLine();
  assert.ok(line, `jobcomp has job ${id}`);
  assert.deepEqual([parseJobcomp(line).get(id)?.state, parseJobcomp(line).get(id)?.exitCode], ['FAILED', 3]);
  // A job past MinJobAge is in neither squeue nor scontrol: an id this cluster never gave out stands for one,
  // its jobcomp line that of the job above. One call: the live job from squeue, the gone one from the file.
  const gone = String(9_000_000 + Number(id));
  const file = path.join(dir, 'jobcomp.log');
  writeFileSync(file, `${line.replace(`JobId=${id} `, `JobId=${gone} `)}\n`);
  const states = await jobStates([id, gone], { env: slurm.env, jobcompFile: file });
  assert.deepEqual([states.get(id)?.source, states.get(gone)?.source], ['squeue', 'jobcomp']);
  assert.deepEqual(slurmStateToRun(states.get(gone)!), { status: 'failed', error: 'exit code 3' });
  assert.equal((await jobStates([String(9_100_000 + Number(id))], { env: slurm.env })).size, 0, 'a job no source knows is left out');
});

test("an unknown partition or a malformed --time: Slurm's own error as one line, nothing left queued", async (t) => {
  const slurm = slurmOrSkip(t);
  if (!slurm) return;
  const jobs: string[] = [];
  const dir = jobFolder(t, slurm, jobs);
  const name = `runlens-refused-${path.basename(dir)}`;
  const refused = async (profile: Partial<SlurmProfileOptions>): Promise<SlurmCommandError> => {
    try {
      jobs.push(await submit(slurm, dir, ['true'], { profile, jobName: name }));
    } catch (error) {
      assert.ok(error instanceof SlurmCommandError, String(error));
      return error;
    }
    assert.fail('sbatch accepted the job');
  };
  const partition = await refused({ partition: 'no-such-partition' });
  assert.match(partition.message, /Invalid partition name specified/);
  assert.doesNotMatch(partition.message, /\n/);
  const time = await refused({ time: 'soon' });
  assert.equal(time.message, 'Invalid --time specification');
  const queued = await squeue(['-h', '-t', 'all', '--name', name, '-o', '%i'], { env: slurm.env });
  assert.equal(queued.stdout.trim(), '', 'no job of that name was queued');
});
