/**
 * The real MLflow 2.12 tracking server and Python client, for tests that
 * check RunLens against MLflow itself (no fixtures written from its docs).
 * MLflow is found as scripts/install-mlflow.sh leaves it: importable by
 * Debian's python3, or on $RUNLENS_MLFLOW_PYTHONPATH (scripts/test.mjs sets
 * it from that script's output). Without it, every caller fails with a
 * message saying how to get it.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Debian's python3: MLflow's dependencies are its packages (the pyenv python on PATH lacks them). */
export const MLFLOW_PYTHON = '/usr/bin/python3';

const HOW_TO_GET = 'MLflow 2.12 is needed for this test: run `bash scripts/install-mlflow.sh` (with RUNLENS_MLFLOW_INSTALL=../shared/mlflow/install.sh where PyPI is not reachable) and set RUNLENS_MLFLOW_PYTHONPATH to the folder it prints, or `pip install mlflow==2.12.*` for /usr/bin/python3';

let checked: string | undefined;

/** The environment under which MLFLOW_PYTHON imports mlflow; throws the how-to message when it cannot. */
export function mlflowEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const pythonPath = process.env.RUNLENS_MLFLOW_PYTHONPATH ?? '';
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONDONTWRITEBYTECODE: '1', GIT_PYTHON_REFRESH: 'quiet', MLFLOW_TRACKING_URI: '', ...extra };
  if (pythonPath) env.PYTHONPATH = [pythonPath, extra.PYTHONPATH].filter(Boolean).join(path.delimiter);
  if (checked !== pythonPath) {
    const r = spawnSync(MLFLOW_PYTHON, ['-c', 'import mlflow; print(mlflow.__version__)'], { env, encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`${HOW_TO_GET} (import mlflow: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()})`);
    checked = pythonPath;
  }
  return env;
}

export interface PyRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let scratch: string | undefined;

/**
 * Where scripts run when the caller names no folder: MLflow writes `./mlruns`
 * (a SQLite store's default artifact root) relative to it, which must never be
 * the repository. One folder per test process, removed when it exits, so
 * artifacts a script logged stay readable for the rest of the test.
 */
function scratchDir(): string {
  if (!scratch) {
    const dir = mkdtempSync(path.join(tmpdir(), 'runlens-mlflow-cwd-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    scratch = dir;
  }
  return scratch;
}

/** Runs a Python script with the real MLflow importable; resolves when it exits. */
export function runMlflowPython(script: string, opts: { cwd?: string; env?: NodeJS.ProcessEnv; args?: string[] } = {}): Promise<PyRun> {
  const child = spawn(MLFLOW_PYTHON, ['-c', script, ...(opts.args ?? [])], { cwd: opts.cwd ?? scratchDir(), env: mlflowEnv(opts.env) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

export interface MlflowServer {
  /** `http://127.0.0.1:PORT` */
  readonly uri: string;
  readonly port: number;
  /** Folder holding the artifacts the server proxies. */
  readonly artifactsDir: string;
  /** Stops it (SIGTERM, then SIGKILL), keeping its database for restart(). */
  stop(): Promise<void>;
  /** kill -9: a server that dies mid-request. */
  kill(): Promise<void>;
  /** Starts it again on the same port and database. */
  restart(): Promise<void>;
  /** Stops it and removes its folder. */
  dispose(): Promise<void>;
  /** What it printed (for assertion messages). */
  log(): string;
}

export interface StartMlflowOptions {
  /** `sqlite` (default): a fresh SQLite file; or a PostgreSQL URL (`postgresql://…`). */
  readonly backendStoreUri?: string;
  /** Port to listen on; default: one the server picks (0) the first time, the same on restart. */
  readonly port?: number;
  readonly env?: NodeJS.ProcessEnv;
}

function waitForListening(child: ChildProcess, out: { text: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer): void => {
      out.text += d.toString();
      const m = /Listening at: http:\/\/127\.0\.0\.1:(\d+)/.exec(out.text);
      if (m) {
        child.stderr?.off('data', onData);
        child.stdout?.off('data', onData);
        child.stderr?.on('data', (x: Buffer) => (out.text += x.toString()));
        child.stdout?.on('data', (x: Buffer) => (out.text += x.toString()));
        resolve(Number(m[1]));
      }
    };
    child.stderr?.on('data', onData);
    child.stdout?.on('data', onData);
    child.once('exit', (code, signal) => reject(new Error(`mlflow server exited (${signal ?? code}) before listening:\n${out.text.slice(-2000)}`)));
  });
}

async function waitHealthy(uri: string, child: ChildProcess): Promise<void> {
  // gunicorn listens before its worker has imported MLflow: wait for /health to answer, or the server to die.
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error('mlflow server died during start-up');
    try {
      const res = await fetch(`${uri}/health`);
      if (res.ok) return;
    } catch {
      // not accepting yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts `mlflow server` (gunicorn, one worker) with artifact proxying, on 127.0.0.1. */
export async function startMlflowServer(opts: StartMlflowOptions = {}): Promise<MlflowServer> {
  const env = mlflowEnv(opts.env);
  const dir = mkdtempSync(path.join(tmpdir(), 'runlens-mlflow-'));
  const artifactsDir = path.join(dir, 'artifacts');
  mkdirSync(artifactsDir);
  const backend = opts.backendStoreUri ?? `sqlite:///${path.join(dir, 'mlflow.db')}`;
  let port = opts.port ?? 0;
  let child: ChildProcess;
  const out = { text: '' };

  const start = async (): Promise<void> => {
    child = spawn(MLFLOW_PYTHON, ['-m', 'mlflow', 'server', '--backend-store-uri', backend, '--artifacts-destination', artifactsDir,
      '--host', '127.0.0.1', '--port', String(port), '--workers', '1'], { cwd: dir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    port = await waitForListening(child, out);
    await waitHealthy(`http://127.0.0.1:${port}`, child);
  };
  // gunicorn forks its worker: signal the whole group so no worker outlives the test.
  const signalGroup = (sig: NodeJS.Signals): void => {
    try {
      if (child.pid) process.kill(-child.pid, sig);
    } catch {
      // already gone
    }
  };
  const stop = async (): Promise<void> => {
    const done = exited(child);
    signalGroup('SIGTERM');
    const t = setTimeout(() => signalGroup('SIGKILL'), 10_000);
    await done;
    clearTimeout(t);
  };
  await start();
  return {
    get uri() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    artifactsDir,
    stop,
    kill: async () => {
      const done = exited(child);
      signalGroup('SIGKILL');
      await done;
    },
    restart: start,
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
    log: () => out.text,
  };
}
