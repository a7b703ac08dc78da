import { ChildServerProcess } from '../deploy/childServer';
import { Disposable } from '../core/util/disposable';

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
  private readonly child: ChildServerProcess<string>;

  constructor(options: TrackingServerProcessOptions) {
    super();
    const { storeDir, port, host, ...rest } = options;
    this.child = this._register(new ChildServerProcess<string>({
      ...rest,
      name: 'runlens server',
      args: ['--store', storeDir, 'server', '--port', String(port ?? 5000), '--host', host ?? '127.0.0.1'],
      detectStart: (stdout) => /^listening on (\S+)$/m.exec(stdout)?.[1],
      exitBeforeStartMessage: (reason) => `runlens server stopped before it started: ${reason}`,
    }));
    this.url = this.child.started;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.running;
  }

  /** SIGTERM now, SIGKILL after the grace period; resolves once the process is gone. */
  stop(): Promise<void> {
    return this.child.stop();
  }
}
