import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Disposable, toDisposable } from '../core/util/disposable';

/**
 * The editor's tools entry (`runlens serve` and `runlens server` only, see
 * src/cli/editorTools.ts): `tools.js` beside the bundle in a build, the
 * TypeScript source through tsx under tests and from source.
 */
export function resolveToolsEntry(): { path: string; execArgv: string[] } {
  const bundled = join(__dirname, 'tools.js');
  if (existsSync(bundled)) return { path: bundled, execArgv: [] };
  const source = join(__dirname, '..', 'cli', 'editorTools.ts');
  if (existsSync(source)) return { path: source, execArgv: ['--import', pathToFileURL(require.resolve('tsx')).href] };
  const fromDist = join(__dirname, '..', '..', 'dist', 'tools.js');
  if (existsSync(fromDist)) return { path: fromDist, execArgv: [] };
  throw new Error(`the RunLens tools bundle (tools.js) was not found next to ${__dirname}; run \`npm run build\``);
}

export interface TrackingServerProcessOptions {
  readonly storeDir: string;
  /** Default 5000; 0 picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** Node.js executable; default this process's runtime (in VS Code: its Electron in node mode). */
  readonly execPath?: string;
  /** Each line the server prints (its request log). */
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Called once if the server exits by itself after it started. */
  readonly onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
  /** Milliseconds between SIGTERM and SIGKILL on stop; default 5000. */
  readonly killGraceMs?: number;
  /** How long to wait for `listening on`; default 30 s. */
  readonly startTimeoutMs?: number;
}

/**
 * `runlens server` as a child process (the editor's "Start MLflow-Compatible
 * Tracking Server"). `url` resolves on the child's `listening on <url>` line
 * and rejects, with what it printed on stderr, if it exits first. Disposing
 * stops it: SIGTERM (the server finishes in-flight requests), SIGKILL after
 * the grace period.
 */
export class TrackingServerProcess extends Disposable {
  readonly url: Promise<string>;
  private readonly child: ChildProcess;
  private exited = false;
  private stopping = false;
  private readonly exitedPromise: Promise<void>;

  constructor(private readonly options: TrackingServerProcessOptions) {
    super();
    const entry = resolveToolsEntry();
    const args = ['--store', options.storeDir, 'server', '--port', String(options.port ?? 5000), '--host', options.host ?? '127.0.0.1'];
    this.child = fork(entry.path, args, {
      execArgv: entry.execArgv,
      ...(options.execPath ? { execPath: options.execPath } : {}),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, RUNLENS_STORE: '' },
    });
    let stderr = '';
    let stdoutBuffer = '';
    let resolveUrl: (url: string) => void = () => undefined;
    let rejectUrl: (e: Error) => void = () => undefined;
    let started = false;
    this.url = new Promise<string>((resolve, reject) => {
      resolveUrl = resolve;
      rejectUrl = reject;
    });
    // Callers may never await url (a stop before start); keep the rejection from being unhandled.
    this.url.catch(() => undefined);
    const timer = setTimeout(() => {
      rejectUrl(new Error(`runlens server did not start within ${(options.startTimeoutMs ?? 30_000) / 1000} s`));
      this.stop();
    }, options.startTimeoutMs ?? 30_000);
    const lines = (text: string, stream: 'stdout' | 'stderr') => {
      for (const line of text.split(/\r?\n/)) if (line) options.onLine?.(line, stream);
    };
    this.child.stdout?.setEncoding('utf8').on('data', (t: string) => {
      stdoutBuffer += t;
      const cut = stdoutBuffer.lastIndexOf('\n');
      if (cut < 0) return;
      const complete = stdoutBuffer.slice(0, cut);
      stdoutBuffer = stdoutBuffer.slice(cut + 1);
      const m = /^listening on (\S+)$/m.exec(complete);
      if (m && !started) {
        started = true;
        clearTimeout(timer);
        resolveUrl(m[1]!);
      }
      lines(complete, 'stdout');
    });
    this.child.stderr?.setEncoding('utf8').on('data', (t: string) => {
      stderr += t;
      lines(t, 'stderr');
    });
    this.child.on('error', (e) => rejectUrl(new Error(`could not start runlens server: ${e.message}`)));
    this.exitedPromise = new Promise<void>((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exited = true;
        clearTimeout(timer);
        const why = stderr.trim().split('\n').pop()?.replace(/^error: /, '') || `exit code ${code ?? signal}`;
        rejectUrl(new Error(`runlens server stopped before it started: ${why}`));
        if (started && !this.stopping) options.onExit?.(code, signal);
        resolve();
      });
    });
    this._register(toDisposable(() => this.stop()));
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
      const kill = setTimeout(() => {
        if (!this.exited) this.child.kill('SIGKILL');
      }, this.options.killGraceMs ?? 5000);
      kill.unref();
    }
    return this.exitedPromise;
  }
}
