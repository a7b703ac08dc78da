/**
 * Running the stdlib Python helper (python/runlens.py) with Debian's python3
 * against real stores, for the tests that check what the TS side reads back.
 */
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { RunStore } from '../runStore';

/** Debian's python3 has scikit-learn (the pyenv one on PATH does not); the helper itself needs only the stdlib. */
export const PYTHON = '/usr/bin/python3';
export const HELPER_DIR = path.resolve(import.meta.dirname ?? __dirname, '..', '..', '..', 'python');

export interface PyResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function pyEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  // System metrics off unless a test asks (pythonSystemMetrics.test.ts does): the other tests check exact metric sets.
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: HELPER_DIR, PYTHONDONTWRITEBYTECODE: '1', RUNLENS_SYSTEM_METRICS: '0', ...extra };
  if (!('RUNLENS_RUN_ID' in extra)) delete env.RUNLENS_RUN_ID;
  return env;
}

export function runPy(script: string, cwd: string, extra: Record<string, string> = {}): PyResult {
  const r = spawnSync(PYTHON, ['-c', script], { cwd, env: pyEnv(extra), encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function runPyAsync(script: string, cwd: string, extra: Record<string, string> = {}): Promise<PyResult> {
  const child = spawn(PYTHON, ['-c', script], { cwd, env: pyEnv(extra) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

/** The run id a script printed as its last stdout line. */
export function printedId(r: PyResult): string {
  assert.equal(r.code, 0, `python failed:\n${r.stderr}`);
  const id = r.stdout.trim().split('\n').at(-1) ?? '';
  assert.match(id, /^[0-9a-f]{32}$/);
  return id;
}

export function integrityOk(dir: string): void {
  const db = new Database(path.join(dir, 'store.db'), { readonly: true });
  try {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  } finally {
    db.close();
  }
}

/** A store made by the TS side (schema, WAL, layout), closed again so Python finds it on disk. */
export function tsStore(root: string): string {
  const dir = path.join(root, '.runlens');
  RunStore.open(dir).close();
  return dir;
}
