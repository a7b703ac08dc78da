import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { RunStore } from '../../store/runStore';
import type { RunRecord } from '../../store/types';

/** A temp workspace with a store in `.runlens/`, files written by tests, and git when asked. */
export interface DatasetWorkspace {
  readonly root: string;
  readonly store: RunStore;
  /** Writes a workspace-relative file; returns its absolute path. */
  write(rel: string, text: string): string;
  /** Runs git in the workspace (argument array); throws with git's stderr on failure. Returns stdout trimmed. */
  git(...args: string[]): string;
  /** `git init` plus a commit identity. */
  initGit(): void;
  /** Commits everything; returns the commit hash. */
  commit(message: string): string;
  /** Records that a new run read `rel` as it is now (like the trainer does); returns the run and the fingerprint. */
  recordRun(name: string, rel: string, opts?: { gitCommit?: string; snapshot?: boolean; role?: 'train' | 'test' }): { run: RunRecord; fingerprint: string };
}

export function sha256Of(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

export function datasetWorkspace(t: TestContext): DatasetWorkspace {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-ds-'));
  let clock = Date.UTC(2025, 0, 1);
  const store = RunStore.open(path.join(root, '.runlens'), { now: () => (clock += 1000) });
  t.after(() => {
    store.close();
    fs.rmSync(root, { recursive: true, force: true });
  });
  const git = (...args: string[]): string => {
    const r = spawnSync('git', args, { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };
  return {
    root,
    store,
    write: (rel, text) => {
      const abs = path.join(root, rel);
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      fs.writeFileSync(abs, text);
      return abs;
    },
    git,
    initGit: () => {
      git('init', '-q');
      git('config', 'user.email', 'test@example.com');
      git('config', 'user.name', 'Test');
      git('config', 'commit.gpgsign', 'false');
      fs.writeFileSync(path.join(root, '.gitignore'), '.runlens/\n');
    },
    commit: (message) => {
      git('add', '-A');
      git('commit', '-q', '-m', message);
      return git('rev-parse', 'HEAD');
    },
    recordRun: (name, rel, opts = {}) => {
      const abs = path.join(root, rel);
      const fingerprint = sha256Of(abs);
      const run = store.createRun({ experiment: 'data', name, gitCommit: opts.gitCommit, status: 'finished' });
      const lines = fs.readFileSync(abs, 'utf8').trim().split('\n');
      store.datasets.logInput(run.id, { fingerprint, path: rel, rows: lines.length - 1, columns: lines[0]!.split(',').length }, opts.role ?? 'train');
      if (opts.snapshot) store.datasets.snapshotDataset(fingerprint, abs);
      return { run, fingerprint };
    },
  };
}
