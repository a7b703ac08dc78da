import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Disposable, toDisposable } from '../core/util/disposable';
import type { RunStore } from '../store/runStore';
import { removeLiveLogs } from '../store/liveLogs';
import { assertNever } from '../../webview/shared/assertNever';
import { type TrainRequest, type WorkerMessage, type WorkerError } from './protocol';
import { describeLeftovers, LEFTOVER_GRACE_MS, stopGroupLeftovers } from './command/leftovers';

/** How a trainer process ended. */
export interface TrainOutcome {
  readonly runId?: string;
  readonly runName?: string;
  readonly status: 'finished' | 'killed' | 'failed';
  readonly metrics: Readonly<Record<string, number>>;
  readonly error?: WorkerError;
}

export interface TrainerProcessOptions {
  /** Every message from the worker, in order. */
  readonly onMessage?: (message: WorkerMessage) => void;
  /** The worker's stdout/stderr as it arrives. */
  readonly onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
  /**
   * The host's store: when the worker dies before it could record its end
   * (SIGKILL, crash), the host marks the run and saves the output it saw.
   */
  readonly store?: RunStore;
  /** Override the worker entry (tests). */
  readonly workerPath?: string;
  /** Milliseconds between SIGTERM and SIGKILL on cancel. */
  readonly killGraceMs?: number;
  /** Node.js executable for the worker; default: this process's runtime. */
  readonly execPath?: string;
  /**
   * Extra environment variables for the worker, and so for a command run's
   * script (e.g. `RUNLENS_PYTHON` from the editor's setting).
   */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * The share of the host's kill grace a command run's script gets: the worker
 * must SIGKILL the script's process group before the host SIGKILLs the
 * worker, or the script would outlive both.
 */
const COMMAND_GRACE_SHARE = 0.8;

const DEFAULT_KILL_GRACE_MS = 5000;

/** What V8 prints on stderr as it aborts a process at its heap limit. */
const OUT_OF_HEAP = /FATAL ERROR: .*(?:JavaScript heap out of memory|Reached heap limit)/;

/** Runs TypeScript sources (tests, development) whatever the child's cwd is. */
function tsxExecArgv(): string[] {
  return ['--import', pathToFileURL(require.resolve('tsx')).href];
}

/**
 * Where the worker lives: `worker.js` beside the bundle in a build, or the
 * TypeScript entry run through tsx under tests and `npm run dev`.
 */
export function resolveWorkerEntry(): { path: string; execArgv: string[] } {
  const bundled = join(__dirname, 'worker.js');
  if (existsSync(bundled)) return { path: bundled, execArgv: [] };
  const source = join(__dirname, 'trainerWorker.ts');
  if (existsSync(source)) return { path: source, execArgv: tsxExecArgv() };
  const fromDist = join(__dirname, '..', 'dist', 'worker.js');
  if (existsSync(fromDist)) return { path: fromDist, execArgv: [] };
  throw new Error(`RunLens trainer worker not found next to ${__dirname}; run \`npm run build\``);
}

/**
 * One training run in a child process. `done` settles when the process has
 * exited and the run's final state is recorded. Disposing cancels: SIGTERM
 * to the worker's process group, SIGKILL after a grace period.
 */
export class TrainerProcess extends Disposable {
  readonly done: Promise<TrainOutcome>;
  private readonly child: ChildProcess;
  private runId: string | undefined;
  private runName: string | undefined;
  private terminal: TrainOutcome | undefined;
  private cancelRequested = false;
  private exited = false;
  private output = '';
  /** A command run's process group, once the worker said it started. */
  private scriptGroup: number | undefined;

  constructor(private readonly request: TrainRequest, private readonly options: TrainerProcessOptions = {}) {
    super();
    const entry = options.workerPath ? { path: options.workerPath, execArgv: options.workerPath.endsWith('.ts') ? tsxExecArgv() : [] } : resolveWorkerEntry();
    this.child = fork(entry.path, [], {
      execArgv: entry.execArgv,
      ...(options.execPath ? { execPath: options.execPath } : {}),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Own process group, so cancel reaches anything the worker spawned.
      detached: true,
      env: { ...process.env, ...options.env, RUNLENS_WORKER: '1' },
      serialization: 'json',
    });
    this.child.stdout?.setEncoding('utf8').on('data', (t: string) => this.onOutput(t, 'stdout'));
    this.child.stderr?.setEncoding('utf8').on('data', (t: string) => this.onOutput(t, 'stderr'));
    this.child.on('message', (m: WorkerMessage) => this.onMessage(m));
    this.done = new Promise<TrainOutcome>((resolve) => {
      this.child.on('error', (err) => {
        this.terminal ??= { status: 'failed', metrics: {}, error: { kind: 'internal', message: `could not start the trainer: ${err.message}` } };
      });
      this.child.on('exit', (code, signal) => {
        this.exited = true;
        void this.stopOrphanedScript().then(() => resolve(this.finish(code, signal)));
      });
    });
    const grace = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
    this.child.send({ type: 'train', request: { ...request, killGraceMs: request.killGraceMs ?? Math.floor(grace * COMMAND_GRACE_SHARE) } });
    this._register(toDisposable(() => this.cancel()));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get currentRunId(): string | undefined {
    return this.runId;
  }

  /** Stop the run: SIGTERM now, SIGKILL after the grace period. */
  cancel(): void {
    if (this.exited || this.cancelRequested) return;
    this.cancelRequested = true;
    this.signal('SIGTERM');
    const timer = setTimeout(() => {
      if (!this.exited) this.signal('SIGKILL');
    }, this.options.killGraceMs ?? DEFAULT_KILL_GRACE_MS);
    timer.unref();
  }

  /** Kill without grace (tests of crash recovery). */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.signal(signal);
  }

  private signal(sig: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        this.child.kill(sig);
      } catch {
        // already gone
      }
    }
  }

  private onOutput(text: string, stream: 'stdout' | 'stderr'): void {
    this.output += text;
    if (this.output.length > 1_000_000) this.output = this.output.slice(-1_000_000);
    this.options.onOutput?.(text, stream);
  }

  private onMessage(message: WorkerMessage): void {
    switch (message.type) {
      case 'started':
        this.runId = message.runId;
        this.runName = message.runName;
        break;
      case 'progress':
        break;
      case 'spawned':
        this.scriptGroup = message.pid;
        break;
      case 'finished':
        this.terminal = { runId: message.runId, runName: this.runName, status: message.status, metrics: message.metrics };
        break;
      case 'failed':
        this.terminal = { runId: message.runId ?? this.runId, runName: this.runName, status: 'failed', metrics: {}, error: message.error };
        break;
      default:
        assertNever(message);
    }
    this.options.onMessage?.(message);
  }

  /**
   * A worker that died before reporting the run's end (SIGKILL, OOM killer,
   * a crash) can no longer stop its command: without this, the script would
   * run on until its next print hit the closed pipe, or for ever if it
   * prints nothing. Its process group is stopped from here instead, with the
   * grace a leftover gets (none when the run was being cancelled).
   */
  private async stopOrphanedScript(): Promise<void> {
    if (this.terminal || this.scriptGroup === undefined) return;
    try {
      const result = await stopGroupLeftovers(this.scriptGroup, { graceMs: this.cancelRequested ? 0 : LEFTOVER_GRACE_MS });
      const line = describeLeftovers(result, 'process', 'of the command, as the trainer process ended before the run did');
      if (line) this.onOutput(`[runlens] ${line}\n`, 'stderr');
    } catch {
      // Nothing more can be done from here; the run is still marked below.
    }
  }

  private finish(code: number | null, signal: NodeJS.Signals | null): TrainOutcome {
    if (this.terminal) return this.terminal;
    // The worker died before reporting an end: record it from here.
    const status = this.cancelRequested ? 'killed' : 'failed';
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    const tail = this.output.trim().split('\n').slice(-5).join('\n');
    const message = this.cancelRequested
      ? 'cancelled'
      : OUT_OF_HEAP.test(this.output)
        ? `the trainer process ran out of memory (JavaScript heap out of memory, ${how}): train on fewer rows, or raise the limit with NODE_OPTIONS=--max-old-space-size=<MB>`
        : `the trainer process ended unexpectedly (${how})${tail ? `:\n${tail}` : ''}`;
    const store = this.options.store;
    if (store && this.runId) {
      try {
        const run = store.getRun(this.runId);
        if (run && (run.status === 'running' || run.status === 'queued')) {
          if (this.output) store.logArtifact(this.runId, 'logs/train.log', this.output, 'log');
          store.setStatus(this.runId, status, { error: message });
        }
      } catch {
        // The store may be unreachable; the next open marks the run failed.
      }
    }
    // The worker died before removing the live copies of its logs (the output seen here is saved above).
    if (this.runId) removeLiveLogs(this.request.storeDir, this.runId);
    return { runId: this.runId, runName: this.runName, status, metrics: {}, error: { kind: this.cancelRequested ? 'cancelled' : 'internal', message } };
  }
}
