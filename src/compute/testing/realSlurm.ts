/**
 * The real one-node Slurm cluster the Slurm tests run against. The first
 * caller on the machine starts it with scripts/slurm/start.sh (or the script
 * named by RUNLENS_SLURM_START: .ci/run points it at
 * ../shared/slurm/start-slurm.sh); a lock file makes concurrent test
 * processes wait for that one start, and a cluster already up is used as it
 * is. Without Slurm (not root, no apt), a test skips with the reason, except
 * under CI (the rule of test/fixtures/requiredTool.ts): there it fails.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { jobStates } from '../slurm/jobStates';
import { parseScontrolConfig } from '../slurm/slurmJobInfo';
import type { SlurmJobInfo } from '../slurm/slurmJobInfo';

/** A running cluster: what a test passes to the Slurm client. */
export interface RealSlurm {
  /** The environment to run Slurm's commands and RunLens's CLI with (PATH holds Slurm's commands). */
  readonly env: NodeJS.ProcessEnv;
  /** The folder of sbatch, squeue, scontrol and scancel. */
  readonly binDir: string;
  /** The default partition (jobs submitted without --partition run there). */
  readonly partition: string;
  /** Slurm's jobcomp file (one line per ended job), when the cluster keeps one. */
  readonly jobcompFile?: string;
  /** The node's name. */
  readonly node: string;
}

/** Why there is no cluster for this test. */
export interface NoSlurm {
  readonly skip: string;
}

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const LOCK = path.join(tmpdir(), 'runlens-slurm', 'start.lock');
/** apt-get install from scratch plus the daemons' start, on a loaded machine. */
const START_TIMEOUT_MS = 15 * 60_000;

let started: Promise<RealSlurm | NoSlurm> | undefined;

/**
 * The cluster, started if it is not up (once per machine: later callers find
 * it up). Resolves `{ skip }` when it cannot be had; throws instead under CI.
 */
export function startRealSlurm(): Promise<RealSlurm | NoSlurm> {
  started ??= Promise.resolve().then(() => {
    const result = start();
    const ci = process.env.CI;
    if ('skip' in result && ci && ci !== 'false' && ci !== '0') {
      throw new Error(`CI is set and there is no Slurm cluster for this test: ${result.skip}`);
    }
    return result;
  });
  return started;
}

/** The start script: $RUNLENS_SLURM_START, else the project's own. */
export function slurmStartScript(): string {
  return process.env.RUNLENS_SLURM_START || path.join(REPO_ROOT, 'scripts', 'slurm', 'start.sh');
}

function start(): RealSlurm | NoSlurm {
  const up = clusterUp();
  if (up) return up;
  if (process.getuid?.() !== 0) return { skip: `Slurm is not running here and starting it needs root: run ${slurmStartScript()} as root` };
  const script = slurmStartScript();
  mkdirSync(path.dirname(LOCK), { recursive: true });
  // flock: one start at a time on this machine; a process that waited finds the cluster up and the script does nothing.
  // -o: the script does not inherit the lock's descriptor, so the daemons it starts cannot hold the lock for good.
  const r = spawnSync('flock', ['-o', LOCK, 'bash', script], { encoding: 'utf8', timeout: START_TIMEOUT_MS, env: { ...process.env, PATH: withSbin(process.env.PATH) } });
  if (r.error) return { skip: `could not run ${script}: ${r.error.message}` };
  if (r.status !== 0) return { skip: `${script} exited with ${r.status ?? r.signal}: ${`${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-5).join(' | ')}` };
  return clusterUp() ?? { skip: `${script} finished but the node does not take jobs (sinfo); see /var/log/slurm` };
}

/** The cluster when its node takes jobs, else undefined. */
function clusterUp(): RealSlurm | undefined {
  const env = { ...process.env, PATH: withSbin(process.env.PATH) };
  const which = spawnSync('bash', ['-c', 'command -v sbatch'], { encoding: 'utf8', env });
  const sbatch = which.stdout.trim();
  if (which.status !== 0 || !sbatch) return undefined;
  const binDir = path.dirname(sbatch);
  const sinfo = spawnSync(path.join(binDir, 'sinfo'), ['-h', '-o', '%T|%P|%N'], { encoding: 'utf8', env, timeout: 60_000 });
  // the default partition (marked *) first
  const lines = sinfo.status === 0 ? sinfo.stdout.split('\n').sort((a, b) => Number(b.includes('*|')) - Number(a.includes('*|'))) : [];
  const line = lines.find((l) => /^(idle|mixed|allocated|completing)\b/.test(l));
  if (!line) return undefined;
  const [, partition, node] = line.split('|');
  const config = spawnSync(path.join(binDir, 'scontrol'), ['show', 'config'], { encoding: 'utf8', env, timeout: 60_000 });
  const conf = parseScontrolConfig(config.stdout ?? '');
  return {
    env,
    binDir,
    partition: partition!.replace(/\*$/, ''),
    node: node!,
    ...(conf.JobCompType === 'jobcomp/filetxt' && conf.JobCompLoc ? { jobcompFile: conf.JobCompLoc } : {}),
  };
}

/** PATH with the sbin folders (slurmd -C, munged) that a non-login root shell may lack. */
function withSbin(p: string | undefined): string {
  const parts = (p ?? '').split(path.delimiter).filter(Boolean);
  for (const dir of ['/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/bin', '/bin']) if (!parts.includes(dir)) parts.push(dir);
  return parts.join(path.delimiter);
}

/**
 * Polls jobStates for `ids` until `until` holds for what it returns (each
 * sample goes to `onSample` first), failing after `timeoutMs` with the last
 * states seen. Slurm has no events to wait on: polling is how its own tools
 * (and RunLens) learn of a change.
 */
export async function waitForJobs(
  slurm: RealSlurm,
  ids: readonly string[],
  what: string,
  until: (states: Map<string, SlurmJobInfo>) => boolean,
  options: { timeoutMs?: number; onSample?: (states: Map<string, SlurmJobInfo>) => void } = {},
): Promise<Map<string, SlurmJobInfo>> {
  const deadline = Date.now() + (options.timeoutMs ?? 5 * 60_000);
  for (;;) {
    const states = await jobStates(ids, { env: slurm.env, binDir: slurm.binDir });
    options.onSample?.(states);
    if (until(states)) return states;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify([...states.values()].map((s) => `${s.jobId}${s.arrayTaskId === undefined ? '' : `_${s.arrayTaskId}`} ${s.state} ${s.reason ?? ''}`))}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
