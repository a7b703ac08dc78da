/**
 * `runlens serve <ref>` as a child process of the editor ("Serve Locally").
 * The CLI path, not `dist/serve.js`: it resolves the reference against the
 * store, writes the request log the Monitor section reads, records the
 * deployment (URL, pid) and marks it stopped when SIGTERM ends it gracefully.
 * No vscode import: tested under plain Node.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { resolveToolsEntry } from '../../mlflow/trackingServerProcess';

export interface LocalServeOptions {
  readonly storeDir: string;
  /** `churn:3`, `churn@production`, … */
  readonly ref: string;
  /** 0 = any free port. */
  readonly port: number;
  /** JSON Lines file of sampled requests (inputs and predictions). */
  readonly requestLog: string;
  /** Node.js executable; default this process's runtime. */
  readonly execPath?: string;
  readonly cwd?: string;
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Once, when the server exits by itself after it started (not after stop()). */
  readonly onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
  readonly killGraceMs?: number;
  readonly startTimeoutMs?: number;
}

/** What the CLI printed once it listens. */
export interface ServeStarted {
  readonly url: string;
  /** The deployment record's id, when the CLI recorded one (registered versions do). */
  readonly deploymentId: number | null;
}

const URL_RE = /at (http:\/\/127\.0\.0\.1:\d+)\/invocations/;
const DEPLOYMENT_RE = /^deployment #(\d+) of /m;

/** Starts `runlens serve`; `started` resolves with its URL, or rejects with its last error line. */
export class LocalServeProcess {
  readonly started: Promise<ServeStarted>;
  private readonly child: ChildProcess;
  private exited = false;
  private stopping = false;
  private readonly exitedPromise: Promise<void>;

  constructor(private readonly options: LocalServeOptions) {
    const entry = resolveToolsEntry();
    const args = ['--store', options.storeDir, 'serve', options.ref, '--port', String(options.port), '--host', '127.0.0.1', '--request-log', options.requestLog];
    this.child = fork(entry.path, args, {
      execArgv: entry.execArgv,
      ...(options.execPath ? { execPath: options.execPath } : {}),
      ...(options.cwd ? { cwd: options.cwd } : {}),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, RUNLENS_STORE: '' },
    });
    let out = '';
    let partial = '';
    let stderr = '';
    let url: string | undefined;
    let resolveStart!: (s: ServeStarted) => void;
    let rejectStart!: (e: Error) => void;
    this.started = new Promise<ServeStarted>((resolve, reject) => {
      resolveStart = resolve;
      rejectStart = reject;
    });
    this.started.catch(() => undefined);
    const timeoutMs = options.startTimeoutMs ?? 30_000;
    const timer = setTimeout(() => {
      rejectStart(new Error(`runlens serve ${options.ref} did not start within ${timeoutMs / 1000} s`));
      void this.stop();
    }, timeoutMs);
    this.child.stdout?.setEncoding('utf8').on('data', (t: string) => {
      partial += t;
      const cut = partial.lastIndexOf('\n');
      if (cut < 0) return;
      const complete = partial.slice(0, cut);
      partial = partial.slice(cut + 1);
      for (const line of complete.split('\n')) if (line) options.onLine?.(line, 'stdout');
      out += `${complete}\n`;
      url ??= URL_RE.exec(out)?.[1];
      // The CLI prints the URL, then records the deployment: wait for both (a bare run records none, but prints no line either).
      const dep = DEPLOYMENT_RE.exec(out);
      if (url && dep) {
        clearTimeout(timer);
        resolveStart({ url, deploymentId: Number(dep[1]) });
      }
    });
    this.child.stderr?.setEncoding('utf8').on('data', (t: string) => {
      stderr += t;
      for (const line of t.split(/\r?\n/)) if (line) options.onLine?.(line, 'stderr');
    });
    this.child.on('error', (e) => rejectStart(new Error(`could not start runlens serve: ${e.message}`)));
    this.exitedPromise = new Promise<void>((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exited = true;
        clearTimeout(timer);
        const why = stderr.trim().split('\n').pop()?.replace(/^error: /, '') || `exit code ${code ?? signal}`;
        rejectStart(new Error(why));
        if (url && !this.stopping) options.onExit?.(code, signal);
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

  /** SIGTERM (the CLI finishes in-flight requests and marks the deployment stopped), SIGKILL after the grace period. */
  stop(): Promise<void> {
    if (!this.exited && !this.stopping) {
      this.stopping = true;
      this.child.kill('SIGTERM');
      const kill = setTimeout(() => {
        if (!this.exited) this.child.kill('SIGKILL');
      }, this.options.killGraceMs ?? 5000);
      kill.unref();
    }
    return this.exitedPromise;
  }
}
