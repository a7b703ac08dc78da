import { ChildServerProcess } from '../deploy/childServer';
import type { ChildServerRunOptions } from '../deploy/childServer';

export interface TrackingServerProcessOptions extends ChildServerRunOptions {
  readonly storeDir: string;
  /** Default 5000; 0 picks a free port. */
  readonly port?: number;
  readonly host?: string;
}

/**
 * `runlens server` as a child process (the editor's "Start MLflow-Compatible
 * Tracking Server"). `url` resolves on the child's `listening on <url>` line
 * and rejects, with what it printed on stderr, if it exits first. Disposing
 * stops it: SIGTERM (the server finishes in-flight requests), SIGKILL after
 * the grace period.
 */
export class TrackingServerProcess extends ChildServerProcess<string> {
  /** The server's URL (`started`). */
  readonly url: Promise<string>;

  constructor(options: TrackingServerProcessOptions) {
    const { storeDir, port, host, ...rest } = options;
    super({
      ...rest,
      name: 'runlens server',
      args: ['--store', storeDir, 'server', '--port', String(port ?? 5000), '--host', host ?? '127.0.0.1'],
      detectStart: (stdout) => /^listening on (\S+)$/m.exec(stdout)?.[1],
      exitBeforeStartMessage: (reason) => `runlens server stopped before it started: ${reason}`,
    });
    this.url = this.started;
  }
}
