/**
 * Runs one container build as a child process: argument array (no shell),
 * its own process group (cancel stops the CLI and whatever it started),
 * under the build guard (the build stops when this process dies, see
 * buildGuard.ts), output streamed line by line, steps tracked, the image id
 * read from the file the CLI writes (`--iidfile`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { describeLeftovers, stopGroupLeftovers } from '../../worker/command/leftovers';
import { GUARD_LINE_PREFIX } from './buildGuardProtocol';
import type { BuildStep } from './buildSteps';
import { BuildStepTracker, formatStep } from './buildSteps';
import { spawnBuildProcess } from './guardedSpawn';
import { realTimers } from '../../core/util/timers';
import type { Timers } from '../../core/util/timers';

export type BuildOutcomeStatus = 'succeeded' | 'failed' | 'cancelled';

export interface RunBuildOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  /** The CLI's environment, passed through whole (buildah reads STORAGE_DRIVER, BUILDAH_ISOLATION...). */
  readonly env?: NodeJS.ProcessEnv;
  /** Where the CLI writes the image id (the `--iidfile` argument). */
  readonly iidFile?: string;
  /** Each output line as it arrives. */
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Each step as it starts. */
  readonly onStep?: (step: BuildStep) => void;
  readonly signal?: AbortSignal;
  /** After SIGTERM, how long before SIGKILL; default 5 s. */
  readonly killGraceMs?: number;
  /** The timer of that grace; tests pass their own to fire it when they choose. */
  readonly timers?: Timers;
  /** Most log bytes kept (the head is dropped, the tail kept); default 8 MiB. */
  readonly maxLogBytes?: number;
  /** Where the build guard is; default beside this module (tests point it at a folder without one). */
  readonly guardDir?: string;
}

export interface BuildOutcome {
  readonly status: BuildOutcomeStatus;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** `sha256:...` as the CLI wrote it; null unless succeeded. */
  readonly imageId: string | null;
  readonly durationMs: number;
  /** The whole output, stdout and stderr interleaved as they arrived. */
  readonly log: string;
  readonly steps: readonly BuildStep[];
  readonly failedStep: BuildStep | null;
  /** One line for the user when not succeeded. */
  readonly error: string | null;
}

/** Splits a byte stream into lines, keeping a partial line until its end arrives. */
function lineSplitter(emit: (line: string) => void): { push(chunk: Buffer): void; end(): void } {
  let rest = '';
  return {
    push(chunk) {
      const text = rest + chunk.toString('utf8');
      const parts = text.split(/\r?\n|\r(?!\n)/);
      rest = parts.pop() ?? '';
      for (const p of parts) emit(p);
    },
    end() {
      if (rest !== '') emit(rest);
      rest = '';
    },
  };
}

/** Runs the build; never rejects for a failing build (the outcome says so), only for a bad call. */
export function runContainerBuild(options: RunBuildOptions): Promise<BuildOutcome> {
  const started = performance.now();
  const tracker = new BuildStepTracker();
  const maxLog = options.maxLogBytes ?? 8 * 1024 * 1024;
  let log = '';
  let dropped = 0;
  return new Promise((resolve) => {
    if (options.signal?.aborted) {
      resolve({ status: 'cancelled', exitCode: null, signal: null, imageId: null, durationMs: 0, log: '', steps: [], failedStep: null, error: 'cancelled before it started' });
      return;
    }
    const { child, note } = spawnBuildProcess(options.command, options.args, { cwd: options.cwd, env: options.env ?? process.env, guardDir: options.guardDir });
    let cancelled = false;
    const timers = options.timers ?? realTimers;
    let killTimer: unknown;
    const killGroup = (sig: NodeJS.Signals): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, sig);
      } catch {
        // The group is already gone.
      }
    };
    const onAbort = (): void => {
      cancelled = true;
      killGroup('SIGTERM');
      killTimer = timers.setTimeout(() => killGroup('SIGKILL'), options.killGraceMs ?? 5000);
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    /** Why the guard could not start the CLI, from its own stderr line. */
    let guardError: string | undefined;
    const take = (stream: 'stdout' | 'stderr') => lineSplitter((line) => {
      if (stream === 'stderr' && line.startsWith(GUARD_LINE_PREFIX)) {
        guardError = line.slice(GUARD_LINE_PREFIX.length);
        return;
      }
      log += `${line}\n`;
      if (log.length > maxLog) {
        const cut = log.length - maxLog;
        dropped += cut;
        log = log.slice(cut);
      }
      const step = tracker.push(line);
      options.onLine?.(line, stream);
      if (step) options.onStep?.(step);
    });
    const out = take('stdout');
    const err = take('stderr');
    if (note) err.push(Buffer.from(`${note}\n`));
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));

    let spawnError: Error | undefined;
    child.on('error', (e) => {
      spawnError = e;
    });
    // A build that ended by a signal nobody here sent (the guard or the CLI killed from outside) may leave
    // processes in its group, holding the output pipes open: stop them as a command run's leftovers are stopped.
    let leftovers: Promise<string | undefined> | undefined;
    child.on('exit', (_code, signal) => {
      if (signal === null || cancelled || child.pid === undefined) return;
      const where = `left in the build's process group after it ended by ${signal}`;
      leftovers = stopGroupLeftovers(child.pid).then((r) => describeLeftovers(r, 'process', where), () => undefined);
    });
    child.on('close', (code, signal) => void Promise.resolve(leftovers).then((line) => {
      if (line) err.push(Buffer.from(`[runlens] ${line}\n`));
      out.end();
      err.end();
      if (killTimer !== undefined) timers.clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      const durationMs = performance.now() - started;
      const fullLog = dropped > 0 ? `[${dropped} earlier bytes of output dropped]\n${log}` : log;
      const base = { exitCode: code, signal, durationMs, log: fullLog, steps: tracker.steps };
      if (spawnError || guardError !== undefined) {
        // The guard's line about a CLI it could not start reads like the one written here without it.
        const error = spawnError ? `could not start ${options.command}: ${spawnError.message}`
          : guardError!.startsWith('could not start ') ? guardError! : `could not start ${options.command} under the build guard: ${guardError}`;
        resolve({ ...base, status: 'failed', imageId: null, failedStep: null, error });
        return;
      }
      if (cancelled) {
        const at = tracker.failedStep();
        resolve({ ...base, status: 'cancelled', imageId: null, failedStep: null, error: `cancelled${at ? ` during ${formatStep(at)}` : ''}` });
        return;
      }
      const imageId = code === 0 && options.iidFile && existsSync(options.iidFile) ? readFileSync(options.iidFile, 'utf8').trim() || null : null;
      if (code === 0 && (imageId !== null || !options.iidFile)) {
        resolve({ ...base, status: 'succeeded', imageId, failedStep: null, error: null });
        return;
      }
      const failed = tracker.failedStep() ?? null;
      const why = tracker.errorLine() ?? (code === 0 ? 'the CLI wrote no image id' : code !== null ? `exit code ${code}` : `ended by ${signal}`);
      resolve({ ...base, status: 'failed', imageId: null, failedStep: failed, error: `${failed ? `${formatStep(failed)} failed: ` : ''}${why}` });
    }));
  });
}
