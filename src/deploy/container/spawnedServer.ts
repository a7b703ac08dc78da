/**
 * A model server started as a command of its own (node on the build
 * context's files, or `buildah run` on the image; for the smoke test and
 * `runlens serve --image`): argument array, no
 * shell, a process group of its own so that stopping it stops whatever the
 * command started (buildah's chroot child with the server in it), under the
 * build guard so that the group stops too when this process dies, however
 * it dies (a SIGKILLed `runlens serve --image` leaves no server behind).
 * Ready once it prints the `at http://127.0.0.1:PORT/invocations` line. Not a
 * {@link ChildServerProcess}: that one forks RunLens's own tools bundle.
 */
import { UserError } from '../../core/util/errors';
import { GUARD_LINE_PREFIX } from '../build/buildGuardProtocol';
import { formatCommand } from '../build/containerCli';
import { spawnBuildProcess } from '../build/guardedSpawn';

/** A model server that answers on loopback, and how to stop it. */
export interface ServerHandle {
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
  /** Every complete line it prints, before and after it listens (its request log lines). */
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Once, when it exits by itself after it listened (not after stop()); the clean-up has run. */
  readonly onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

/** The model server's start-up line (serveMain prints the address it bound, 127.0.0.1 unless told otherwise). */
const LISTENING = /at (http:\/\/[^\s/]+:\d+)\/invocations/;

/** Starts the command and resolves once it listens; rejects with its last output line if it exits or times out first. */
export function startSpawnedServer(options: SpawnedServerOptions): Promise<ServerHandle> {
  const display = options.display ?? formatCommand(options.command, options.args);
  const { child } = spawnBuildProcess(options.command, options.args, { cwd: options.cwd, env: options.env ?? process.env });
  let out = '';
  let gone = false;
  let listening = false;
  let stopRequested = false;
  const exited = new Promise<void>((resolve) => child.on('close', (code: number | null, signal: NodeJS.Signals | null) => {
    gone = true;
    resolve();
    if (listening && !stopRequested) void stop().then(() => options.onExit?.(code, signal));
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
    stopRequested = true;
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
  const lines = (): string[] => out.trim().split('\n');
  const lastLine = (): string => lines().pop() ?? '';
  return new Promise((resolve, reject) => {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const timer = setTimeout(() => {
      reject(new UserError(`the model server did not start within ${timeoutMs / 1000} s (${display}): ${lastLine()}`));
      void stop();
    }, timeoutMs);
    const partial = { stdout: '', stderr: '' };
    const collect = (stream: 'stdout' | 'stderr') => (t: Buffer): void => {
      const text = t.toString('utf8');
      if (options.onLine) {
        const lines = (partial[stream] + text).split(/\r?\n/);
        partial[stream] = lines.pop() ?? '';
        for (const line of lines) if (line) options.onLine(line, stream);
      }
      if (listening) return;
      // Only the start-up output matters here; keep its tail.
      out = (out + text).slice(-16_384);
      const m = LISTENING.exec(out);
      if (m) {
        listening = true;
        clearTimeout(timer);
        resolve({ url: m[1]!, command: display, stop });
      }
    };
    child.stdout.on('data', collect('stdout'));
    child.stderr.on('data', collect('stderr'));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new UserError(`could not start ${options.command}: ${e.message}`));
    });
    child.on('exit', (code, signal) => {
      if (listening) return; // the 'close' handler tells onExit
      clearTimeout(timer);
      // the guard's own line: the command could not be started at all
      const guard = lines().find((l) => l.startsWith(GUARD_LINE_PREFIX));
      if (guard) reject(new UserError(guard.slice(GUARD_LINE_PREFIX.length)));
      reject(new UserError(`the model server exited (${signal ?? `code ${code}`}) before it listened (${display}): ${lastLine()}`));
      void stop();
    });
  });
}
