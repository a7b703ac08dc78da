/**
 * Runs one container build as a child process: argument array (no shell),
 * its own process group (cancel stops the CLI and whatever it started),
 * output streamed line by line, steps tracked, the image id read from the
 * file the CLI writes (`--iidfile`).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { BuildStep } from './buildSteps';
import { BuildStepTracker, formatStep } from './buildSteps';

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
  /** Most log bytes kept (the head is dropped, the tail kept); default 8 MiB. */
  readonly maxLogBytes?: number;
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
    const child = spawn(options.command, [...options.args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let cancelled = false;
    let killTimer: NodeJS.Timeout | undefined;
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
      killTimer = setTimeout(() => killGroup('SIGKILL'), options.killGraceMs ?? 5000);
      killTimer.unref();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const take = (stream: 'stdout' | 'stderr') => lineSplitter((line) => {
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
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));

    let spawnError: Error | undefined;
    child.on('error', (e) => {
      spawnError = e;
    });
    child.on('close', (code, signal) => {
      out.end();
      err.end();
      if (killTimer) clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      const durationMs = performance.now() - started;
      const fullLog = dropped > 0 ? `[${dropped} earlier bytes of output dropped]\n${log}` : log;
      const base = { exitCode: code, signal, durationMs, log: fullLog, steps: tracker.steps };
      if (spawnError) {
        resolve({ ...base, status: 'failed', imageId: null, failedStep: null, error: `could not start ${options.command}: ${spawnError.message}` });
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
      const why = tracker.errorLine() ?? (code === 0 ? 'the CLI wrote no image id' : `exit code ${code ?? signal}`);
      resolve({ ...base, status: 'failed', imageId: null, failedStep: failed, error: `${failed ? `${formatStep(failed)} failed: ` : ''}${why}` });
    });
  });
}
