/** What Slurm's state of a job means for the run it carries. */
import type { RunStatus } from '../../store/types';
import type { SlurmJobInfo } from './slurmJobInfo';

export interface RunStateFromSlurm {
  readonly status: RunStatus;
  /** Why a queued run waits (Slurm's reason: `Resources`, `Priority`), shown as "queued: Resources". */
  readonly reason?: string;
  /** The node a running run is on. */
  readonly node?: string;
  /** Why a failed run failed, as the run's error ("exit code 3", "time limit 1:00:00 reached"). */
  readonly error?: string;
}

/** Failures that say nothing about the user's code: the state name is the reason. */
const SYSTEM_FAILURES: Record<string, string> = {
  NODE_FAIL: 'the node failed (NODE_FAIL)',
  PREEMPTED: 'preempted by a higher-priority job (PREEMPTED)',
  BOOT_FAIL: 'the node failed to boot (BOOT_FAIL)',
  DEADLINE: 'the deadline passed before it ran (DEADLINE)',
  SPECIAL_EXIT: 'ended in SPECIAL_EXIT',
};

/**
 * PENDING → queued (with Slurm's reason); RUNNING, COMPLETING and the other
 * live states → running (with the node); COMPLETED → finished; FAILED →
 * failed with the exit code or signal; TIMEOUT → failed "time limit … reached";
 * OUT_OF_MEMORY → failed "out of memory"; CANCELLED → killed; NODE_FAIL,
 * PREEMPTED, BOOT_FAIL, DEADLINE → failed with that reason. Requeued and held
 * jobs are queued again. A state this code does not know is left queued (not
 * ended): the run is never ended on a guess.
 */
export function slurmStateToRun(info: SlurmJobInfo): RunStateFromSlurm {
  const reason = info.reason;
  switch (info.state) {
    case 'PENDING':
      return { status: 'queued', reason: reason ?? 'Pending' };
    case 'REQUEUED':
    case 'REQUEUE_FED':
    case 'REQUEUE_HOLD':
    case 'RESV_DEL_HOLD':
      return { status: 'queued', reason: reason ?? info.state };
    case 'CONFIGURING':
      return { status: 'queued', reason: 'nodes are starting (CONFIGURING)' };
    case 'RUNNING':
    case 'COMPLETING':
    case 'SIGNALING':
    case 'STAGE_OUT':
    case 'RESIZING':
    case 'SUSPENDED':
    case 'STOPPED':
      return { status: 'running', ...(info.node ? { node: info.node } : {}) };
    case 'COMPLETED':
      return { status: 'finished' };
    case 'FAILED':
      return { status: 'failed', error: failedError(info) };
    case 'TIMEOUT':
      return { status: 'failed', error: info.timeLimit ? `time limit ${info.timeLimit} reached` : 'time limit reached' };
    case 'OUT_OF_MEMORY':
      return { status: 'failed', error: 'out of memory' };
    case 'CANCELLED':
    case 'REVOKED':
      return { status: 'killed' };
    default: {
      const system = SYSTEM_FAILURES[info.state];
      if (system) return { status: 'failed', error: reason ? `${system}: ${reason}` : system };
      return { status: 'queued', reason: `Slurm state ${info.state}` };
    }
  }
}

function failedError(info: SlurmJobInfo): string {
  if (info.exitCode) return `exit code ${info.exitCode}`;
  if (info.signal) return `killed by signal ${info.signal}`;
  return info.reason ? `failed (${info.reason})` : 'failed';
}
