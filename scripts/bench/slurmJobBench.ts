/**
 * Cluster job benchmarks (issue #16) on the real one-node Slurm cluster,
 * called by the bench harness (`benchSlurmJobs()`), or run directly:
 * `node --import tsx scripts/bench/slurmJobBench.ts`.
 * - submit to running: submitToSlurm of a command run until a sync sees the
 *   run `running`, against sbatch of the same script until squeue says
 *   RUNNING (Slurm alone); both polled every 100 ms; median of 3;
 * - job end to visible: from the moment the job's script ends (it writes the
 *   time as it exits) until a sync has the run `finished` and confirmed by
 *   Slurm, against the same moment until squeue says COMPLETED; median of 3;
 * - a 32-trial sweep of a built-in model (iris, decision tree) as one array
 *   job with `parallel: 2` (two cores) until its parent ended, against the
 *   same sweep run here by SweepRunner with `parallel: 2`; wall time, once.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { submitToSlurm } from '../../src/compute/jobs/submitToSlurm';
import { syncJobs } from '../../src/compute/jobs/syncJobs';
import { FINAL_TAG } from '../../src/compute/jobs/clusterTags';
import { jobStates } from '../../src/compute/slurm/jobStates';
import { submitJob } from '../../src/compute/slurm/submitJob';
import { startRealSlurm, type RealSlurm } from '../../src/compute/testing/realSlurm';
import type { SlurmProfile } from '../../src/core/compute/computeProfile';
import { RunStore } from '../../src/store/runStore';
import { SweepRunner } from '../../src/worker/sweepRunner';
import type { BenchResult } from './types';

const POLL_MS = 100;
const ROUNDS = 3;
const EXAMPLES = path.join(__dirname, '..', '..', 'examples');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 15 * 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(POLL_MS);
  }
  return Date.now();
}

interface Bench {
  readonly dir: string;
  readonly storeDir: string;
  readonly store: RunStore;
  readonly slurm: RealSlurm;
  readonly profile: SlurmProfile;
  dirFile(name: string, text: string): string;
}

/** A job script that writes when it ends into `<dir>/ended-<tag>`, then exits. */
function endingScript(b: Bench): string {
  return b.dirFile('ending.py', [
    'import os, sys, time',
    'tag = os.environ.get("RUNLENS_PARAM_TAG") or sys.argv[1]',
    `path = os.path.join(${JSON.stringify(b.dir)}, "ended-" + tag)`,
    'open(path + ".tmp", "w").write(str(time.time() * 1000))',
    'os.rename(path + ".tmp", path)', '',
  ].join('\n'));
}

async function roundTrip(b: Bench, i: number): Promise<{ toRunning: number; toVisible: number; slurmToRunning: number; slurmToCompleted: number }> {
  const script = endingScript(b);
  const config = b.dirFile(`end-${i}.train.yaml`, `experiment: bench\ncommand: [/usr/bin/python3, ${script}]\nparams: { tag: rl${i} }\n`);
  const slurm = { env: b.slurm.env, binDir: b.slurm.binDir };
  const t0 = Date.now();
  const s = await submitToSlurm({ store: b.store, storeDir: b.storeDir, configPath: config, profile: b.profile, slurm });
  const sync = () => syncJobs(b.store, { storeDir: b.storeDir, slurm });
  const running = await until(async () => (await sync(), b.store.getRun(s.rootRunId).status !== 'queued'), 'the run to leave queued');
  const visible = await until(async () => (await sync(), b.store.getTags(s.rootRunId)[FINAL_TAG] === '1'), 'the run to end');
  const ended = Number(readFileSync(path.join(b.dir, `ended-rl${i}`), 'utf8'));

  const plain = b.dirFile(`plain-${i}.sh`, `#!/bin/bash\n#SBATCH --output=${b.dir}/plain-${i}.log\nexec /usr/bin/python3 ${script} sl${i}\n`);
  const p0 = Date.now();
  const { jobId } = await submitJob({ scriptPath: plain, cwd: b.dir, env: b.slurm.env, binDir: b.slurm.binDir });
  const state = async () => (await jobStates([jobId], slurm)).get(jobId)?.state;
  const slurmRunning = await until(async () => (await state()) !== 'PENDING', 'the plain job to start');
  const slurmDone = await until(async () => (await state()) === 'COMPLETED', 'the plain job to complete');
  const plainEnded = Number(readFileSync(path.join(b.dir, `ended-sl${i}`), 'utf8'));
  return { toRunning: running - t0, toVisible: visible - ended, slurmToRunning: slurmRunning - p0, slurmToCompleted: slurmDone - plainEnded };
}

async function sweep32(b: Bench): Promise<{ cluster: number; local: number }> {
  const config = b.dirFile('sweep32.train.yaml', [
    'experiment: sweep32', 'data: { path: data/iris.csv, target: species, split: { test: 0.3, seed: 7, stratify: true } }',
    'model: { type: decision_tree, params: { seed: 0 } }',
    'sweep: { method: grid, parallel: 2, params: { model.params.max_depth: [1, 2, 3, 4, 5, 6, 7, 8], model.params.min_samples_leaf: [1, 2, 4, 8] } }', '',
  ].join('\n'));
  const slurm = { env: b.slurm.env, binDir: b.slurm.binDir };
  const t0 = Date.now();
  const s = await submitToSlurm({ store: b.store, storeDir: b.storeDir, configPath: config, profile: b.profile, slurm });
  const done = await until(async () => (await syncJobs(b.store, { storeDir: b.storeDir, slurm }), b.store.getTags(s.rootRunId)[FINAL_TAG] === '1'), 'the 32-trial sweep', 60 * 60_000);
  const status = b.store.getRun(s.rootRunId).status;
  if (status !== 'finished') throw new Error(`the cluster sweep ended ${status}: ${b.store.getRun(s.rootRunId).error}`);
  const localDir = path.join(b.dir, 'local-store');
  const local = RunStore.open(localDir);
  try {
    const l0 = Date.now();
    const outcome = await new SweepRunner({ storeDir: localDir, configPath: config, store: local, parallel: 2 }).run();
    if (outcome.status !== 'finished') throw new Error(`the local sweep ended ${outcome.status}`);
    return { cluster: done - t0, local: Date.now() - l0 };
  } finally {
    local.close();
  }
}

export async function benchSlurmJobs(): Promise<BenchResult[]> {
  const started = await startRealSlurm();
  if ('skip' in started) throw new Error(`no Slurm cluster: ${started.skip}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'runlens-bench-slurm-'));
  cpSync(path.join(EXAMPLES, 'data'), path.join(dir, 'data'), { recursive: true });
  const storeDir = path.join(dir, '.runlens');
  const store = RunStore.open(storeDir);
  const b: Bench = {
    dir, storeDir, store, slurm: started, profile: { name: 'bench', backend: 'slurm', partition: started.partition, time: '60' },
    dirFile: (name, text) => {
      const p = path.join(dir, name);
      writeFileSync(p, text, { mode: 0o755 });
      return p;
    },
  };
  try {
    const rounds = [];
    for (let i = 0; i < ROUNDS; i++) rounds.push(await roundTrip(b, i));
    const sweep = await sweep32(b);
    const load = os.loadavg()[0]!.toFixed(1);
    return [
      { name: 'submit → running (command run)', value: median(rounds.map((r) => r.toRunning)), unit: 'ms', reference: median(rounds.map((r) => r.slurmToRunning)), referenceName: 'sbatch → squeue RUNNING', note: `median of ${ROUNDS}, polled every ${POLL_MS} ms; RunLens's includes the job script, the manifest and the runs it creates` },
      { name: 'job end → visible (run finished, confirmed by Slurm)', value: median(rounds.map((r) => r.toVisible)), unit: 'ms', reference: median(rounds.map((r) => r.slurmToCompleted)), referenceName: 'script end → squeue COMPLETED', note: `median of ${ROUNDS}; from the script's last write (RunLens's job then ships the spool's end and exits)` },
      { name: '32-trial sweep (iris, decision tree), parallel 2', value: sweep.cluster / 1000, unit: 's', reference: sweep.local / 1000, referenceName: 'SweepRunner here, parallel 2', note: `one array job --array=0-31%2 on the one-node cluster (2 cores) vs the local sweep; both cap at 2 at once; load ${load}` },
    ];
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchSlurmJobs().then((r) => console.log(JSON.stringify(r, null, 2)), (e: Error) => {
    console.error(e);
    process.exitCode = 1;
  });
}
