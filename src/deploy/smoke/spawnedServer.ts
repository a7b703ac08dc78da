/**
 * A model server the smoke test starts as a command of its own (node on the
 * build context's files, or `buildah run` on the image): argument array, no
 * shell, a process group of its own so that stopping it stops whatever the
 * command started (buildah's chroot child with the server in it), ready once
 * it prints the `at http://127.0.0.1:PORT/invocations` line. Not a
 * {@link ChildServerProcess}: that one forks RunLens's own tools bundle.
 */
import { spawn } from 'node:child_process';
import { UserError } from '../../core/util/errors';
import { formatCommand } from '../build/containerCli';

/** A model server that answers on loopback, and how to stop it. */
export interface SmokeServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** The command as run, one line for the panel and the CLI. */
  readonly command: string;
  /** Stops it (and cleans up after it); safe to call twice. */
  stop(): Promise<void>;
}

export interface SpawnedServerOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** The command as shown; default the command and its arguments, shell-quoted. */
  readonly display?: string;
  /** Default 30 s: a cold `buildah run` on vfs storage takes a few seconds. */
  readonly timeoutMs?: number;
  /** After SIGTERM, how long before SIGKILL; default 5 s. */
  readonly killGraceMs?: number;
  /** Runs once the process is gone (remove a working container). */
  readonly afterStop?: () => Promise<void> | void;
}

const LISTENING = /at (http:\/\/127\.0\.0\.1:\d+)\/invocations/;

/** Starts the command and resolves once it listens; rejects with its last output line if it exits or times out first. */
export function startSpawnedServer(options: SpawnedServerOptions): Promise<SmokeServer> {
  const display = options.display ?? formatCommand(options.command, options.args);
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  let gone = false;
  const exited = new Promise<void>((resolve) => child.on('close', () => {
    gone = true;
    resolve();
  }));
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // the group is gone already
    }
  };
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (!gone) {
        signalGroup('SIGTERM');
        const kill = setTimeout(() => signalGroup('SIGKILL'), options.killGraceMs ?? 5000);
        await exited;
        clearTimeout(kill);
      }
      await options.afterStop?.();
    })();
    return stopping;
  };
  const lastLine = (): string => out.trim().split('\n').pop() ?? '';
  return new Promise((resolve, reject) => {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const timer = setTimeout(() => {
      reject(new UserError(`the model server did not start within ${timeoutMs / 1000} s (${display}): ${lastLine()}`));
      void stop();
    }, timeoutMs);
    const collect = (t: Buffer): void => {
      // Only the start-up output matters here; keep its tail.
      out = (out + t.toString('utf8')).slice(-16_384);
      const m = LISTENING.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!, command: display, stop });
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new UserError(`could not start ${options.command}: ${e.message}`));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new UserError(`the model server exited (${signal ?? `code ${code}`}) before it listened (${display}): ${lastLine()}`));
      void stop();
    });
  });
}
