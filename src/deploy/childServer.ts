/**
 * A server the editor runs as a child process: the editor tools bundle
 * (`runlens serve`, `runlens server`, see src/cli/editorTools.ts) forked with
 * an IPC channel, so the server exits when its parent goes away. Its output
 * comes back line by line; `started` resolves once its start-up output says it
 * listens; `stop()` sends SIGTERM (the server finishes in-flight requests) and
 * SIGKILL after a grace period. No vscode import: the Node layer (the MLflow
 * tracking server) and the extension (Serve Locally) both use it.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DisposableLike } from '../core/util/disposable';
import { realTimers } from '../core/util/timers';
import type { Timers } from '../core/util/timers';

/** A script to fork and the Node flags it needs. */
export interface ToolsEntry {
  readonly path: string;
  readonly execArgv: string[];
}

/**
 * The editor's tools entry: `tools.js` beside the bundle in a build, the
 * TypeScript source through tsx under tests and from source.
 */
export function resolveToolsEntry(): ToolsEntry {
  const bundled = join(__dirname, 'tools.js');
  if (existsSync(bundled)) return { path: bundled, execArgv: [] };
  const source = join(__dirname, '..', 'cli', 'editorTools.ts');
  if (existsSync(source)) return { path: source, execArgv: ['--import', pathToFileURL(require.resolve('tsx')).href] };
  const fromDist = join(__dirname, '..', '..', 'dist', 'tools.js');
  if (existsSync(fromDist)) return { path: fromDist, execArgv: [] };
  throw new Error(`the RunLens tools bundle (tools.js) was not found next to ${__dirname}; run \`npm run build\``);
}

/** How a server child runs: what its wrappers (Serve Locally, the tracking server) pass through. */
export interface ChildServerRunOptions {
  /** Node.js executable; default this process's runtime (in VS Code: its Electron in node mode). */
  readonly execPath?: string;
  readonly cwd?: string;
  /** Each non-empty line the server prints (its request log). */
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Once, when the server exits by itself after it started (not after stop()). */
  readonly onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
  /** Milliseconds between SIGTERM and SIGKILL on stop; default 5000. */
  readonly killGraceMs?: number;
  /** The timer of that grace, so a test fires it when it chooses; default Node's, unref'd. */
  readonly timers?: Timers;
  /** How long to wait for the start-up output; default 30 s. Past it `started` rejects and the server is stopped. */
  readonly startTimeoutMs?: number;
}

export interface ChildServerOptions<T> extends ChildServerRunOptions {
  /** Names the server in errors: `runlens server`, `runlens serve churn:3`. */
  readonly name: string;
  /** Arguments after the entry script. */
  readonly args: readonly string[];
  /**
   * Reads the start-up output (the complete stdout lines so far) and returns
   * what `started` resolves with once all of it is there.
   */
  readonly detectStart: (stdout: string) => T | undefined;
  /** The error message of an exit before start, given the reason (its last stderr line, or the exit code); default the reason itself. */
  readonly exitBeforeStartMessage?: (reason: string) => string;
  /** What to fork; default {@link resolveToolsEntry}. */
  readonly entry?: ToolsEntry;
}

/** Enough of stderr for the reason of an exit: its last line. */
const STDERR_TAIL_CHARS = 16 * 1024;

/** One server child process; `started` resolves with what `detectStart` found, or rejects with why it did not start. */
export class ChildServerProcess<T> implements DisposableLike {
  readonly started: Promise<T>;
  private readonly child: ChildProcess;
  private exited = false;
  private stopping = false;
  private readonly exitedPromise: Promise<void>;

  constructor(private readonly options: ChildServerOptions<T>) {
    const entry = options.entry ?? resolveToolsEntry();
    this.child = fork(entry.path, [...options.args], {
      execArgv: entry.execArgv,
      ...(options.execPath ? { execPath: options.execPath } : {}),
      ...(options.cwd ? { cwd: options.cwd } : {}),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // The store comes from --store: an inherited RUNLENS_STORE must not win.
      env: { ...process.env, RUNLENS_STORE: '' },
    });
    let startOutput = '';
    let partial = '';
    let stderrTail = '';
    let isStarted = false;
    let resolveStart!: (value: T) => void;
    let rejectStart!: (e: Error) => void;
    this.started = new Promise<T>((resolve, reject) => {
      resolveStart = resolve;
      rejectStart = reject;
    });
    // Callers may never await `started` (a stop before start); keep the rejection from being unhandled.
    this.started.catch(() => undefined);
    const timeoutMs = options.startTimeoutMs ?? 30_000;
    const timer = setTimeout(() => {
      rejectStart(new Error(`${options.name} did not start within ${timeoutMs / 1000} s`));
      void this.stop();
    }, timeoutMs);
    const emit = (text: string, stream: 'stdout' | 'stderr') => {
      for (const line of text.split(/\r?\n/)) if (line) options.onLine?.(line, stream);
    };
    this.child.stdout?.setEncoding('utf8').on('data', (t: string) => {
      partial += t;
      const cut = partial.lastIndexOf('\n');
      if (cut < 0) return;
      const complete = partial.slice(0, cut);
      partial = partial.slice(cut + 1);
      emit(complete, 'stdout');
      if (isStarted) return;
      // Only the start-up output is kept: a server's request log may run for days.
      startOutput += `${complete}\n`;
      const value = options.detectStart(startOutput);
      if (value === undefined) return;
      isStarted = true;
      startOutput = '';
      clearTimeout(timer);
      resolveStart(value);
    });
    this.child.stderr?.setEncoding('utf8').on('data', (t: string) => {
      stderrTail = (stderrTail + t).slice(-STDERR_TAIL_CHARS);
      emit(t, 'stderr');
    });
    this.child.on('error', (e) => rejectStart(new Error(`could not start ${options.name}: ${e.message}`)));
    this.exitedPromise = new Promise<void>((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exited = true;
        clearTimeout(timer);
        const reason = stderrTail.trim().split('\n').pop()?.replace(/^error: /, '') || `exit code ${code ?? signal}`;
        rejectStart(new Error(options.exitBeforeStartMessage ? options.exitBeforeStartMessage(reason) : reason));
        if (isStarted && !this.stopping) options.onExit?.(code, signal);
        resolve();
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return !this.exited;
  }

  /** SIGTERM now, SIGKILL after the grace period; resolves once the process is gone. */
  stop(): Promise<void> {
    if (!this.exited && !this.stopping) {
      this.stopping = true;
      this.child.kill('SIGTERM');
      (this.options.timers ?? realTimers).setTimeout(() => {
        if (!this.exited) this.child.kill('SIGKILL');
      }, this.options.killGraceMs ?? 5000);
    }
    return this.exitedPromise;
  }

  dispose(): void {
    void this.stop();
  }
}
