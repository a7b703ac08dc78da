/**
 * `runlens serve <ref>` as a child process of the editor ("Serve Locally").
 * The CLI path, not `dist/serve.js`: it resolves the reference against the
 * store, writes the request log the Monitor section reads, records the
 * deployment (URL, pid) and marks it stopped when SIGTERM ends it gracefully.
 * No vscode import: tested under plain Node.
 */
import { ChildServerProcess } from '../../deploy/childServer';
import type { ChildServerRunOptions } from '../../deploy/childServer';

export interface LocalServeOptions extends ChildServerRunOptions {
  readonly storeDir: string;
  /** `churn:3`, `churn@production`, … */
  readonly ref: string;
  /** 0 = any free port. */
  readonly port: number;
  /** JSON Lines file of sampled requests (inputs and predictions). */
  readonly requestLog: string;
  /** Most requests written to `requestLog` per second (`--log-rate`); 0 = every request; default the CLI's (200). */
  readonly requestLogRate?: number;
  /**
   * Serve the version's built image instead (`--image`), with the build's
   * storage flags (`runlens.container.extraArgs`, passed as `--cli-arg`).
   * `requestLog`'s folder is then mounted into the container.
   */
  readonly image?: { readonly cliArgs: readonly string[] };
}

/** What the CLI printed once it listens. */
export interface ServeStarted {
  readonly url: string;
  /** The deployment record's id, when the CLI recorded one (registered versions do). */
  readonly deploymentId: number | null;
}

const URL_RE = /at (http:\/\/127\.0\.0\.1:\d+)\/invocations/;
const DEPLOYMENT_RE = /^deployment #(\d+) of /m;

/**
 * Starts `runlens serve`; `started` resolves with its URL, or rejects with its
 * last error line. `stop()`: SIGTERM (the CLI finishes in-flight requests and
 * marks the deployment stopped), SIGKILL after the grace period.
 */
export class LocalServeProcess extends ChildServerProcess<ServeStarted> {
  constructor(options: LocalServeOptions) {
    const { storeDir, ref, port, requestLog, requestLogRate, image, ...rest } = options;
    super({
      // `buildah from` copies the image's file system first (seconds on vfs storage)
      ...(image ? { startTimeoutMs: 120_000 } : {}),
      ...rest,
      name: `runlens serve ${ref}${image ? ' --image' : ''}`,
      args: ['--store', storeDir, 'serve', ref, '--port', String(port), '--host', '127.0.0.1', '--request-log', requestLog,
        ...(requestLogRate !== undefined ? ['--log-rate', String(requestLogRate)] : []),
        ...(image ? ['--image', ...image.cliArgs.map((a) => `--cli-arg=${a}`)] : [])],
      detectStart: (stdout) => {
        // The CLI prints the URL, then records the deployment: wait for both (a bare run records none, but prints no line either).
        const url = URL_RE.exec(stdout)?.[1];
        const dep = DEPLOYMENT_RE.exec(stdout);
        return url && dep ? { url, deploymentId: Number(dep[1]) } : undefined;
      },
    });
  }
}
