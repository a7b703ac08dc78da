/**
 * Slurm's view of a job, read from the four places Slurm keeps it: squeue
 * (live and recently ended jobs), `scontrol show job` (the same, by id),
 * the jobcomp text file (every finished job, kept for good) and sacct (where
 * accounting is enabled). Pure parsers of each tool's text; jobStates.ts runs
 * the tools.
 */

/** One job or one array task as Slurm reports it. Keyed `123` (a job) or `123_4` (array task 4 of job 123). */
export interface SlurmJobInfo {
  /** The job id as submitted (for an array task: the array's job id). */
  readonly jobId: string;
  readonly arrayTaskId?: number;
  /** Slurm's state name, e.g. PENDING, RUNNING, COMPLETED, FAILED, TIMEOUT, CANCELLED. */
  readonly state: string;
  /** Why it is pending or why it ended (Resources, Priority, NonZeroExitCode, TimeLimit); absent for None. */
  readonly reason?: string;
  /** The node (or node list) it runs or ran on. */
  readonly node?: string;
  /** The batch script's exit status, once it ended. */
  readonly exitCode?: number;
  /** The signal that ended it (9, 15), once it ended; absent when none did. */
  readonly signal?: number;
  /** `[D-]H:MM:SS`; absent when unlimited. */
  readonly timeLimit?: string;
  /** Which tool said so. */
  readonly source: 'squeue' | 'scontrol' | 'jobcomp' | 'sacct';
}

/** The key of a job or array task in jobStates' map. */
export function jobKey(jobId: string, arrayTaskId?: number): string {
  return arrayTaskId === undefined ? jobId : `${jobId}_${arrayTaskId}`;
}

/** States after which the job runs no more. */
const ENDED = new Set(['COMPLETED', 'FAILED', 'TIMEOUT', 'OUT_OF_MEMORY', 'CANCELLED', 'NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE', 'SPECIAL_EXIT', 'REVOKED']);

export function isEndedState(state: string): boolean {
  return ENDED.has(state);
}

/**
 * The squeue format jobStates asks for (`-O`): with a `|` suffix and no width,
 * squeue prints each field whole (`-o`'s `%i` etc. would do too, but `-O`
 * alone has the exit status). Reason goes last: it is the one free-text field.
 */
export const SQUEUE_FIELDS = 'JobArrayID:|,ArrayJobID:|,ArrayTaskID:|,State:|,exit_code:|,TimeLimit:|,NodeList:|,Reason:|';

/** `squeue -h -r -t all -O SQUEUE_FIELDS` output → one info per line (array tasks one per line, thanks to -r). */
export function parseSqueue(text: string): SlurmJobInfo[] {
  const out: SlurmJobInfo[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const [, arrayJobId, taskField, stateField, status, limit, node, ...rest] = line.split('|');
    const state = normalizeState(stateField ?? '');
    const task = parseTaskId(taskField);
    const wait = Number(status);
    const ended = isEndedState(state) && Number.isInteger(wait);
    out.push(info({
      jobId: arrayJobId!,
      arrayTaskId: task,
      state,
      reason: rest.join('|').replace(/\|$/, ''),
      node,
      // squeue's exit_code is the raw wait status: exit code in the high byte, signal in the low 7 bits
      exitCode: ended ? (wait >> 8) & 0xff : undefined,
      signal: ended ? wait & 0x7f : undefined,
      timeLimit: limit,
      source: 'squeue',
    }));
  }
  return out;
}

/**
 * `scontrol show job -o …` output (one job per line; a pending array's
 * remaining tasks are one record, `ArrayTaskId=1-3%2`, expanded here to one
 * info per task).
 */
export function parseScontrolJobs(text: string): SlurmJobInfo[] {
  const out: SlurmJobInfo[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim() || !line.startsWith('JobId=')) continue;
    const f = parseKeyValues(line);
    const state = normalizeState(f.JobState ?? '');
    const [code, sig] = parseExitCode(f.ExitCode);
    const ended = isEndedState(state);
    for (const task of expandTasks(f.ArrayTaskId)) {
      out.push(info({
        jobId: f.ArrayJobId ?? f.JobId!,
        arrayTaskId: task,
        state,
        reason: f.Reason,
        node: f.NodeList,
        exitCode: ended ? code : undefined,
        signal: ended ? sig : undefined,
        timeLimit: f.TimeLimit,
        source: 'scontrol',
      }));
    }
  }
  return out;
}

/**
 * The jobcomp/filetxt file: one line per ended job, oldest first. A job id
 * seen twice (ids restart when the controller's state is dropped) keeps its
 * newest line. An array task's line carries ArrayJobId/ArrayTaskId; the line of
 * an array whose pending tasks ended together (cancelled) has neither.
 */
export function parseJobcomp(text: string): Map<string, SlurmJobInfo> {
  const out = new Map<string, SlurmJobInfo>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('JobId=')) continue;
    const f = parseKeyValues(line);
    const [code, sig] = parseExitCode(f.ExitCode);
    const limit = f.TimeLimit && /^\d+$/.test(f.TimeLimit) ? formatMinutes(Number(f.TimeLimit)) : f.TimeLimit;
    const task = parseTaskId(f.ArrayTaskId);
    const jobId = task === undefined ? f.JobId! : f.ArrayJobId!;
    out.set(jobKey(jobId, task), info({ jobId, arrayTaskId: task, state: normalizeState(f.JobState ?? ''), node: f.NodeList, exitCode: code, signal: sig, timeLimit: limit, source: 'jobcomp' }));
  }
  return out;
}

/** The sacct format jobStates asks for with `-n -P -X` (allocations only, `|`-separated). */
export const SACCT_FIELDS = 'JobID,State,ExitCode,NodeList,Timelimit,Reason';

/** `sacct -n -P -X -o SACCT_FIELDS` output. */
export function parseSacct(text: string): SlurmJobInfo[] {
  const out: SlurmJobInfo[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const [id, stateField, exit, node, limit, ...reason] = line.split('|');
    const m = /^(\d+)(?:_(\d+|\[[^\]]*\]))?/.exec(id ?? '');
    if (!m) continue;
    const state = normalizeState(stateField ?? '');
    const [code, sig] = parseExitCode(exit);
    const tasks = m[2]?.startsWith('[') ? expandTasks(m[2].slice(1, -1)) : [parseTaskId(m[2])];
    for (const task of tasks) {
      out.push(info({ jobId: m[1]!, arrayTaskId: task, state, reason: reason.join('|'), node, exitCode: isEndedState(state) ? code : undefined, signal: isEndedState(state) ? sig : undefined, timeLimit: limit, source: 'sacct' }));
    }
  }
  return out;
}

/** `scontrol show config` → its `Key = value` pairs. */
export function parseScontrolConfig(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+=\s?(.*)$/.exec(line);
    if (m) out[m[1]!] = m[2]!.trim();
  }
  return out;
}

/** `3:0` (exit code 3) or `0:15` (signal 15) → [exitCode, signal]. */
export function parseExitCode(text: string | undefined): [number | undefined, number | undefined] {
  const m = /^(\d+):(\d+)$/.exec(text ?? '');
  return m ? [Number(m[1]), Number(m[2])] : [undefined, undefined];
}

/**
 * A Slurm time limit in any of its spellings (squeue `1:00` = M:SS,
 * scontrol `00:01:00`, `1-12:30:00`, jobcomp minutes) as `[D-]H:MM:SS`, the
 * way a user writes `--time`; undefined for UNLIMITED, INVALID and the like.
 */
export function normalizeTimeLimit(text: string | undefined): string | undefined {
  const m = /^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$/.exec(text ?? '');
  if (!m) return undefined;
  const parts = [m[2], m[3], m[4]].filter((p) => p !== undefined).map(Number);
  // with days, D-H, D-H:M and D-H:M:S; without, M, M:S and H:M:S
  const [h, min, s] = m[1] !== undefined ? [parts[0]!, parts[1] ?? 0, parts[2] ?? 0] : parts.length === 3 ? parts : parts.length === 2 ? [0, parts[0]!, parts[1]!] : [0, parts[0]!, 0];
  const total = ((Number(m[1] ?? 0) * 24 + h!) * 60 + min!) * 60 + s!;
  return formatSeconds(total);
}

function formatMinutes(minutes: number): string {
  return formatSeconds(minutes * 60);
}

function formatSeconds(total: number): string {
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const mm = String(Math.floor((total % 3600) / 60)).padStart(2, '0');
  const ss = String(total % 60).padStart(2, '0');
  return d > 0 ? `${d}-${String(h).padStart(2, '0')}:${mm}:${ss}` : `${h}:${mm}:${ss}`;
}

/** `CANCELLED by 0` (sacct), `CANCELLED+` (truncated) → `CANCELLED`. */
function normalizeState(state: string): string {
  return state.trim().split(/\s+/)[0]!.replace(/\+$/, '').toUpperCase();
}

function parseTaskId(text: string | undefined): number | undefined {
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

/** `1-3%2`, `0,2,5-9:2`, `7` → the task ids; none given → [undefined] (a job that is not an array). */
function expandTasks(spec: string | undefined): Array<number | undefined> {
  if (spec === undefined || spec === '' || spec === 'N/A') return [undefined];
  const tasks: number[] = [];
  for (const part of spec.replace(/%\d+$/, '').split(',')) {
    const m = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part);
    if (!m) continue;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    const step = m[3] === undefined ? 1 : Math.max(1, Number(m[3]));
    for (let t = from; t <= to; t += step) tasks.push(t);
  }
  return tasks.length > 0 ? tasks : [undefined];
}

/**
 * `Key=value Key2=value two` → fields. A token without `=` continues the value
 * before it (scontrol prints `JobName=name with spaces` unquoted).
 */
function parseKeyValues(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  let last: string | undefined;
  for (const token of line.trim().split(/\s+/)) {
    const eq = token.indexOf('=');
    if (eq > 0 && /^[A-Za-z][\w:/]*$/.test(token.slice(0, eq))) {
      last = token.slice(0, eq);
      out[last] = token.slice(eq + 1);
    } else if (last !== undefined) {
      out[last] += ` ${token}`;
    }
  }
  return out;
}

/** Drops Slurm's placeholders (`None`, `(null)`, empty) so absent means absent. */
function info(raw: { jobId: string; arrayTaskId?: number; state: string; reason?: string; node?: string; exitCode?: number; signal?: number; timeLimit?: string; source: SlurmJobInfo['source'] }): SlurmJobInfo {
  const present = (v: string | undefined): string | undefined => (v === undefined || v === '' || v === 'None' || v === '(null)' || v === 'N/A' ? undefined : v);
  return {
    jobId: raw.jobId,
    ...(raw.arrayTaskId !== undefined ? { arrayTaskId: raw.arrayTaskId } : {}),
    state: raw.state,
    ...(present(raw.reason) ? { reason: present(raw.reason) } : {}),
    ...(present(raw.node) ? { node: present(raw.node) } : {}),
    ...(raw.exitCode !== undefined ? { exitCode: raw.exitCode } : {}),
    ...(raw.signal ? { signal: raw.signal } : {}),
    ...(normalizeTimeLimit(raw.timeLimit) ? { timeLimit: normalizeTimeLimit(raw.timeLimit) } : {}),
    source: raw.source,
  };
}
