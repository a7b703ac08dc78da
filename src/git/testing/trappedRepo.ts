/**
 * Test helper: a git repository whose own config tries to run a program on
 * a read (the hostile workspace of issue #12). Each trap, when it fires,
 * creates `marker`; a test asserts that it never exists. Sets up with plain
 * git on purpose (a test helper, exempt from gitCallSites.test.ts).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What the repository's config or `.git` folder tries to run. */
export type GitTrap = 'fsmonitor' | 'hooks' | 'hooksPath' | 'filter' | 'gpg';

export const GIT_TRAPS: readonly GitTrap[] = ['fsmonitor', 'hooks', 'hooksPath', 'filter', 'gpg'];

/** Hooks git could run while reading: all of them write the marker. */
const HOOK_NAMES = ['post-index-change', 'reference-transaction', 'post-checkout', 'pre-commit', 'post-commit', 'pre-auto-gc', 'fsmonitor-watchman'];

export interface TrappedRepo {
  readonly marker: string;
  /** Runs plain git (no protections) in the repository; returns stdout trimmed, throws on failure. */
  git(...args: string[]): string;
  /** Makes every tracked file's stat differ from the index, so git must hash the work tree (and run filters, refresh the index). */
  statDirty(): void;
  readonly fired: () => boolean;
  readonly cleanup: () => void;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Turns `dir` into a repository with everything in it committed, then sets
 * `trap` (after the commit, so setting up fires nothing), and makes the
 * files stat-dirty. The marker lives in a folder of its own outside `dir`.
 */
export function trapRepo(dir: string, trap: GitTrap): TrappedRepo {
  const markerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-trap-'));
  const marker = path.join(markerDir, `pwn-${trap}`);
  const git = (...args: string[]): string => {
    const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };
  const script = path.join(markerDir, 'trap.sh');
  fs.writeFileSync(script, `#!/bin/sh\ntouch ${shellQuote(marker)}\ncat\n`, { mode: 0o755 });
  git('init', '-q');
  git('config', 'user.email', 'test@example.com');
  git('config', 'user.name', 'Test');
  git('config', 'commit.gpgsign', 'false');
  if (trap === 'filter') fs.writeFileSync(path.join(dir, '.gitattributes'), '* filter=trap\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'initial');
  // Listed now: plain git reading the index later would itself spring the fsmonitor trap.
  const tracked = git('ls-files', '-z').split('\0').filter(Boolean);
  const writeHooks = (hooksDir: string) => {
    fs.mkdirSync(hooksDir, { recursive: true });
    for (const name of HOOK_NAMES) fs.writeFileSync(path.join(hooksDir, name), `#!/bin/sh\ntouch ${shellQuote(marker)}\n`, { mode: 0o755 });
  };
  switch (trap) {
    case 'fsmonitor':
      git('config', 'core.fsmonitor', `touch ${shellQuote(marker)}; false`);
      break;
    case 'hooks':
      writeHooks(path.join(dir, '.git', 'hooks'));
      break;
    case 'hooksPath': {
      const hooks = path.join(markerDir, 'hooks');
      writeHooks(hooks);
      git('config', 'core.hooksPath', hooks);
      break;
    }
    case 'filter':
      git('config', 'filter.trap.clean', script);
      git('config', 'filter.trap.smudge', script);
      break;
    case 'gpg': {
      // HEAD becomes a commit with a signature header; `git log` with log.showSignature runs gpg.program on it.
      const body = git('cat-file', 'commit', 'HEAD');
      const signed = body.replace(/^(committer .*)$/m, '$1\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----');
      const r = spawnSync('git', ['hash-object', '-t', 'commit', '-w', '--stdin'], { cwd: dir, input: signed + '\n', encoding: 'utf8' });
      git('update-ref', 'HEAD', r.stdout.trim());
      git('config', 'log.showSignature', 'true');
      git('config', 'gpg.program', script);
      break;
    }
  }
  let calls = 0;
  const statDirty = () => {
    // A new time each call: the index may have recorded the last one.
    const old = new Date(Date.UTC(2001, 0, 1 + calls++));
    for (const rel of tracked) fs.utimesSync(path.join(dir, rel), old, old);
  };
  statDirty();
  return { marker, git, statDirty, fired: () => fs.existsSync(marker), cleanup: () => fs.rmSync(markerDir, { recursive: true, force: true }) };
}
