import { statSync } from 'node:fs';
import { basename } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { CommandPlan } from '../../core/commandRun/commandLine';
import { formatCommandLine } from '../../core/commandRun/tokenize';
import type { RunlensDirective } from '../../core/commandRun/runlensLine';
import { parseRunlensLine } from '../../core/commandRun/runlensLine';
import { LiveLogFile, liveLogPath } from '../../store/liveLogs';
import type { RunStore } from '../../store/runStore';
import { MetricBuffer } from '../metricBuffer';
import { describeLeftovers, LEFTOVER_GRACE_MS, stopGroupLeftovers } from './leftovers';
import type { StoppedLeftovers } from './leftovers';
import { LineSplitter, OutputLog, TailLines } from './outputLines';
import { signalGroup, spawnInGroup } from './processGroup';
import type { Timers } from '../../core/util/timers';
import type { SystemMetricsConfig } from '../../core/config/trainConfig';
import { startRunSystemMetrics } from '../system/runSystemMetrics';
import type { SystemMetricsRecorder } from '../system/systemMetricsRecorder';

export type OutputStream = 'stdout' | 'stderr';

export interface CommandRunOptions {
  readonly store: RunStore;
  /** The run to log into; `running`, created by the caller with its params and config snapshot. */
  readonly runId: string;
  readonly plan: CommandPlan;
  /** Aborting stops the command: SIGTERM to its process group, SIGKILL after `killGraceMs`; the run ends `killed`. */
  readonly signal?: AbortSignal;
  /** Default 5000. */
  readonly killGraceMs?: number;
  /** The timer of the kill grace (SIGTERM → SIGKILL), so a test fires it when it chooses; default Node's. */
  readonly timers?: Timers;
  /**
   * After the command exits by itself, processes it left running in its
   * process group get SIGTERM, then SIGKILL after this many milliseconds;
   * default `LEFTOVER_GRACE_MS`. An abort during that time sends SIGKILL at once.
   */
  readonly leftoverGraceMs?: number;
  /** The command started: `pid` is its process id and the id of its process group. */
  readonly onSpawn?: (pid: number) => void;
  /** Milliseconds between heartbeats of the run; default 5000. */
  readonly heartbeatMs?: number;
  /** Each output line as it arrives, and RunLens's own notes (`[runlens] …`, on stderr). */
  readonly onLine?: (line: string, stream: OutputStream) => void;
  /**
   * The config's `system_metrics`: the command's process tree and the machine are sampled into the run
   * (see `startRunSystemMetrics`; `RUNLENS_SYSTEM_METRICS` is read from the command's environment).
   */
  readonly systemMetrics?: SystemMetricsConfig;
  /** The sampling timer, so a test fires it when it chooses; default Node's (kept apart from `timers`, the kill grace's). */
  readonly systemMetricsTimers?: Timers;
  /** The metrics of each `runlens: metric` line, once queued for the store. */
  readonly onMetrics?: (metrics: Readonly<Record<string, number>>, step: number | undefined) => void;
}

/** How a command run ended; the store already says the same. */
export interface CommandResult {
  readonly status: 'finished' | 'failed' | 'killed';
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Why it failed (one summary line, then the end of stderr), or `cancelled`. */
  readonly error?: string;
  readonly pid?: number;
  /** Lines that started like `runlens: metric …` but could not be read (each reported as a note). */
  readonly malformedLines: number;
}

const nodeTimers: Timers = { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };

/** Malformed directive lines reported one by one; the rest are counted. */
const MAX_MALFORMED_NOTES = 5;
/** How long to wait for the output pipes to close once the process group is empty (a process that left the group, e.g. with setsid, may hold them). */
const PIPE_DRAIN_MS = 2000;
/** Metric points wait at most this long for their batch when the script prints rarely. */
const FLUSH_MS = 250;

/**
 * Runs a command into an existing run and records its end. Output lines
 * stream to `onLine` and into the `logs/output.log` artifact; `runlens:`
 * lines become metrics (batched), params and tags as they arrive, so a
 * crash keeps everything logged before it. Exit code 0 → `finished`, any
 * other → `failed` with the code and the end of stderr, a program that
 * cannot start → `failed` naming it, abort → `killed`, `timeoutMs` → `failed`.
 * Whatever the command left running in its process group when it exited is
 * stopped before the run ends (see `stopGroupLeftovers`) and named in a
 * `[runlens]` line of the log; the status still comes from the command's own
 * exit. Never throws for the command's sake.
 */
export function runCommand(options: CommandRunOptions): Promise<CommandResult> {
  return new Promise((resolve) => new CommandExecution(options, resolve).start());
}

class CommandExecution {
  private readonly log: OutputLog;
  /** The log as it grows, for `runlens logs --follow` in another process. */
  private readonly live: LiveLogFile;
  private readonly stderrTail = new TailLines();
  private readonly buffer: MetricBuffer;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly lineNumbers = { stdout: 0, stderr: 0 };
  private malformed = 0;
  /** The step of the latest metric line that gave one. */
  private lastStep: number | undefined;
  private storeProblem = false;
  private stopReason: 'cancelled' | 'timeout' | undefined;
  private exited = false;
  private settled = false;
  private pid: number | undefined;
  private cancelKillTimer: (() => void) | undefined;
  private system: SystemMetricsRecorder | undefined;

  constructor(
    private readonly o: CommandRunOptions,
    private readonly resolve: (result: CommandResult) => void,
  ) {
    this.buffer = new MetricBuffer((points) => this.o.store.logMetrics(this.o.runId, points));
    this.live = new LiveLogFile(liveLogPath(o.store.dir, o.runId, 'logs/output.log'));
    this.log = new OutputLog(undefined, (text) => this.live.write(text));
  }

  start(): void {
    const { plan } = this.o;
    const program = plan.argv[0]!;
    if (!isDirectory(plan.cwd)) {
      this.end({ status: 'failed', exitCode: null, signal: null, error: `working directory not found: ${plan.cwd} (cwd in the config is relative to the config file)` });
      return;
    }
    if (this.o.signal?.aborted) {
      this.end({ status: 'killed', exitCode: null, signal: null, error: 'cancelled' });
      return;
    }
    this.note(`running ${formatCommandLine(plan.argv)} (cwd ${plan.cwd})`);
    const child = spawnInGroup(plan.argv, { cwd: plan.cwd, env: plan.env });
    this.pid = child.pid;
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return; // it started; its exit decides
      this.end({ status: 'failed', exitCode: null, signal: null, error: spawnError(err, program, plan.cwd) });
    });
    if (child.pid === undefined) return; // 'error' follows
    const pid = child.pid;
    this.o.onSpawn?.(pid);
    this.safely(() => {
      this.system = startRunSystemMetrics({
        rootPid: pid, config: this.o.systemMetrics, env: plan.env, add: (points) => this.safely(() => this.buffer.add(points)),
        ...(this.o.systemMetricsTimers ? { timers: this.o.systemMetricsTimers } : {}),
      });
    });

    const splitters = {
      stdout: new LineSplitter((line) => this.onLine(line, 'stdout')),
      stderr: new LineSplitter((line) => this.onLine(line, 'stderr')),
    };
    child.stdout!.setEncoding('utf8').on('data', (t: string) => splitters.stdout.push(t));
    child.stderr!.setEncoding('utf8').on('data', (t: string) => splitters.stderr.push(t));

    const stop = (reason: 'cancelled' | 'timeout') => {
      if (this.exited || this.stopReason) return;
      this.stopReason = reason;
      signalGroup(child, 'SIGTERM');
      const timers = this.o.timers ?? nodeTimers;
      const handle = timers.setTimeout(() => signalGroup(child, 'SIGKILL'), this.o.killGraceMs ?? 5000);
      this.cancelKillTimer = () => timers.clearTimeout(handle);
    };
    const onAbort = () => stop('cancelled');
    this.o.signal?.addEventListener('abort', onAbort, { once: true });
    if (plan.timeoutMs !== undefined) this.timers.push(setTimeout(() => stop('timeout'), plan.timeoutMs));
    this.timers.push(setInterval(() => this.safely(() => this.o.store.heartbeat(this.o.runId)), this.o.heartbeatMs ?? 5000));
    this.timers.push(setInterval(() => this.safely(() => this.buffer.flush()), FLUSH_MS));

    child.on('exit', (code, signal) => {
      this.exited = true;
      // The command is gone: no last sample of its tree, only the summaries of what was sampled.
      const systemStopped = this.system?.stop(false).catch(() => undefined);
      this.o.signal?.removeEventListener('abort', onAbort);
      const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
      // A cancel from now on cannot change how the command ended; it only cuts the leftovers' grace short.
      const hurry = new AbortController();
      const onHurry = () => hurry.abort();
      this.o.signal?.addEventListener('abort', onHurry, { once: true });
      // A stopped command already had its grace (or was told to stop now): what is left gets SIGKILL at once.
      const graceMs = this.stopReason ? 0 : this.o.leftoverGraceMs ?? LEFTOVER_GRACE_MS;
      void stopGroupLeftovers(pid, { graceMs, hurry: hurry.signal })
        .catch((): StoppedLeftovers | undefined => undefined)
        .then(async (leftovers) => {
          this.o.signal?.removeEventListener('abort', onHurry);
          await this.drain(child, closed);
          await systemStopped;
          splitters.stdout.end();
          splitters.stderr.end();
          const line = leftovers && describeLeftovers(leftovers);
          if (line) this.note(line);
          this.end(this.outcome(program, code, signal));
        });
    });
  }

  /** Waits for the output pipes to close, but not forever: a process outside the group may hold them. */
  private async drain(child: ChildProcess, closed: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), PIPE_DRAIN_MS)));
    const late = await Promise.race([closed.then(() => false), timedOut]);
    clearTimeout(timer);
    if (late) {
      child.stdout?.destroy();
      child.stderr?.destroy();
    }
  }

  private outcome(program: string, code: number | null, signal: NodeJS.Signals | null): Omit<CommandResult, 'malformedLines' | 'pid'> {
    const base = { exitCode: code, signal };
    if (this.stopReason === 'cancelled') return { ...base, status: 'killed', error: 'cancelled' };
    if (this.stopReason === 'timeout') {
      const seconds = (this.o.plan.timeoutMs ?? 0) / 1000;
      return { ...base, status: 'failed', error: `timed out after ${seconds} s (timeout: ${seconds})` };
    }
    if (code === 0) return { ...base, status: 'finished' };
    const name = basename(program);
    const how = code !== null ? `${name} exited with code ${code}` : `${name} was killed by ${signal}`;
    const tail = this.stderrTail.all;
    const last = tail.at(-1)?.trim();
    return { ...base, status: 'failed', error: `${how}${last ? `: ${last}` : ''}${tail.length > 1 ? `\n${tail.join('\n')}` : ''}` };
  }

  private onLine(line: string, stream: OutputStream): void {
    this.lineNumbers[stream]++;
    this.log.append(line);
    if (stream === 'stderr') this.stderrTail.push(line);
    this.o.onLine?.(line, stream);
    const directive = parseRunlensLine(line);
    if (directive) this.apply(directive, stream);
  }

  private apply(d: RunlensDirective, stream: OutputStream): void {
    const { store, runId } = this.o;
    switch (d.kind) {
      case 'metric': {
        const timestamp = Date.now();
        // A new step means the previous one is complete: write it, so a kill loses at most the step in progress.
        if (d.step !== undefined && this.lastStep !== undefined && d.step !== this.lastStep) this.safely(() => this.buffer.flush());
        if (d.step !== undefined) this.lastStep = d.step;
        this.safely(() => this.buffer.add(Object.entries(d.metrics).map(([key, value]) => ({ key, value, step: d.step, timestamp }))));
        this.o.onMetrics?.(d.metrics, d.step);
        return;
      }
      case 'param':
        this.safely(() => store.logParams(runId, d.params), true);
        return;
      case 'tag':
        this.safely(() => store.setTags(runId, d.tags), true);
        return;
      case 'invalid':
        this.malformed++;
        if (this.malformed <= MAX_MALFORMED_NOTES) this.note(`ignored ${stream} line ${this.lineNumbers[stream]}: ${d.reason}`);
        return;
    }
  }

  /** A store write that must not stop the run; `perLine` reports each failure (a param that changed), else only the first. */
  private safely(write: () => void, perLine = false): void {
    try {
      write();
    } catch (e) {
      if (perLine || !this.storeProblem) this.note(`could not log: ${(e as Error).message}`);
      if (!perLine) this.storeProblem = true;
    }
  }

  /** RunLens's own line in the output: shown with the script's output and kept in its log. */
  private note(text: string): void {
    const line = `[runlens] ${text}`;
    this.log.append(line);
    this.o.onLine?.(line, 'stderr');
  }

  private end(result: Omit<CommandResult, 'malformedLines' | 'pid'>): void {
    if (this.settled) return;
    this.settled = true;
    for (const t of this.timers) clearTimeout(t);
    this.cancelKillTimer?.();
    const { store, runId } = this.o;
    if (this.malformed > MAX_MALFORMED_NOTES) this.note(`${this.malformed} malformed runlens: lines were ignored in all (the first ${MAX_MALFORMED_NOTES} are shown above)`);
    this.safely(() => this.buffer.flush());
    this.buffer.dispose();
    if (!this.log.empty) this.safely(() => store.logArtifact(runId, 'logs/output.log', this.log.text(), 'log'));
    if (result.exitCode !== null) this.safely(() => store.setTags(runId, { 'runlens.exit_code': String(result.exitCode) }));
    this.safely(() => store.setStatus(runId, result.status, { error: result.error ?? null }));
    // After the status: a follower that sees the run end reads the rest from the live copy.
    this.live.remove();
    this.resolve({ ...result, malformedLines: this.malformed, ...(this.pid !== undefined ? { pid: this.pid } : {}) });
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The one line a user needs when the program cannot start. */
function spawnError(err: NodeJS.ErrnoException, program: string, cwd: string): string {
  switch (err.code) {
    case 'ENOENT': {
      const hint = /^python[\d.]*(\.exe)?$/i.test(basename(program)) ? '; point {{python}} at an interpreter with RUNLENS_PYTHON (in the editor: runlens.trainer.pythonPath)' : '';
      return `command not found: ${program} (cwd ${cwd})${hint}`;
    }
    case 'EACCES':
      return `permission denied: ${program} (cwd ${cwd}); make it executable (chmod +x) or start it with its interpreter`;
    default:
      return `could not start ${program} (cwd ${cwd}): ${err.message}`;
  }
}
