/**
 * Test support: `mlflow models serve` (the real MLflow 2.12 scoring server,
 * gunicorn with one worker) for a model URI, on 127.0.0.1.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../http/testing/freePort';
import { MLFLOW_PYTHON, mlflowEnv } from '../testing/realMlflow';

export interface MlflowModelServer {
  /** `http://127.0.0.1:PORT` */
  readonly uri: string;
  /** Stops it (SIGTERM to its process group, SIGKILL after 10 s). */
  stop(): Promise<void>;
  log(): string;
}

/**
 * Starts `mlflow models serve -m <modelUri> --env-manager local` and
 * resolves once /ping answers 200. MLflow runs a bare `gunicorn`, which
 * Debian's python3-gunicorn does not put on PATH: a shim runs
 * `python3 -m gunicorn` (the same gunicorn `mlflow server` uses).
 */
export async function startMlflowModelServer(modelUri: string, env: NodeJS.ProcessEnv = {}): Promise<MlflowModelServer> {
  const bin = mkdtempSync(path.join(tmpdir(), 'runlens-gunicorn-'));
  writeFileSync(path.join(bin, 'gunicorn'), `#!/bin/sh\nexec ${MLFLOW_PYTHON} -m gunicorn "$@"\n`);
  chmodSync(path.join(bin, 'gunicorn'), 0o755);
  const port = await freePort();
  const child: ChildProcess = spawn(MLFLOW_PYTHON, ['-m', 'mlflow', 'models', 'serve', '-m', modelUri, '--env-manager', 'local', '-h', '127.0.0.1', '-p', String(port)], {
    env: mlflowEnv({ ...env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` }),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const uri = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    try {
      if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    const t = setTimeout(() => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 10_000);
    await exited;
    clearTimeout(t);
    rmSync(bin, { recursive: true, force: true });
  };
  // Ready when /ping answers; a server that dies first fails the start with its log.
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`mlflow models serve exited (${child.signalCode ?? child.exitCode}) before answering:\n${text.slice(-2000)}`);
    }
    try {
      if ((await fetch(`${uri}/ping`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { uri, stop, log: () => text };
}
