import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { GitNotFoundError, repositoryFilterDrivers, runGit, runGitSync, safeGitArgs, safeGitEnv } from './gitCommand';
import type { GitTrap } from './testing/trappedRepo';
import { trapRepo } from './testing/trappedRepo';

function tempRepoDir(t: { after: (fn: () => void) => void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-git-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'data.csv'), 'a,b\n1,2\n');
  return dir;
}

/** The git command each trap fires on when git runs unprotected. */
const FIRES_ON: Readonly<Record<GitTrap, string[]>> = {
  fsmonitor: ['status', '--porcelain', '--untracked-files=no'],
  hooks: ['status', '--porcelain', '--untracked-files=no'],
  hooksPath: ['status', '--porcelain', '--untracked-files=no'],
  filter: ['status', '--porcelain', '--untracked-files=no'],
  gpg: ['log', '-n1', '--format=%H', '--', 'data.csv'],
};

for (const trap of Object.keys(FIRES_ON) as GitTrap[]) {
  test(`a repository's ${trap} trap runs under plain git but never through runGit or runGitSync`, async (t) => {
    const dir = tempRepoDir(t);
    const repo = trapRepo(dir, trap);
    t.after(repo.cleanup);
    const args = FIRES_ON[trap];
    // The trap is live: plain git runs it.
    spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
    assert.equal(repo.fired(), true, `plain git ${args[0]} should fire the ${trap} trap`);
    fs.rmSync(repo.marker);
    repo.statDirty();

    const r = await runGit(dir, args);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(repo.fired(), false);
    const s = runGitSync(dir, args);
    assert.equal(s.code, 0, s.stderr);
    assert.equal(repo.fired(), false);
    if (args[0] === 'status') {
      // Only the stat changed: still clean, found by hashing the files with fsmonitor and filters off.
      assert.equal(r.stdout, '');
      fs.appendFileSync(path.join(dir, 'data.csv'), '3,4\n');
      const dirty = await runGit(dir, args);
      assert.equal(dirty.stdout, ' M data.csv\n');
      assert.equal(repo.fired(), false);
    } else {
      assert.equal(r.stdout.trim(), repo.git('rev-parse', 'HEAD'));
    }
  });
}

test("the user's own global filter driver still runs: only the repository's config is distrusted", async (t) => {
  const dir = tempRepoDir(t);
  const markerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-global-'));
  t.after(() => fs.rmSync(markerDir, { recursive: true, force: true }));
  const marker = path.join(markerDir, 'ran');
  const script = path.join(markerDir, 'clean.sh');
  fs.writeFileSync(script, `#!/bin/sh\ntouch '${marker}'\ncat\n`, { mode: 0o755 });
  const globalConfig = path.join(markerDir, 'gitconfig');
  fs.writeFileSync(globalConfig, `[filter "mine"]\n\tclean = ${script}\n`);
  const env = { ...process.env, GIT_CONFIG_GLOBAL: globalConfig };
  const git = (...args: string[]) => spawnSync('git', args, { cwd: dir, env, encoding: 'utf8' });
  git('init', '-q');
  fs.writeFileSync(path.join(dir, '.gitattributes'), '*.csv filter=mine\n');
  git('add', '-A');
  git('-c', 'user.email=t@example.com', '-c', 'user.name=T', 'commit', '-q', '-m', 'c');
  fs.rmSync(marker, { force: true });
  const old = new Date(Date.UTC(2001, 0, 1));
  fs.utimesSync(path.join(dir, 'data.csv'), old, old);
  const r = await runGit(dir, ['status', '--porcelain', '--untracked-files=no'], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(fs.existsSync(marker), true);
});

test('safeGitArgs puts the protections first and turns off external diff and textconv for porcelain that shows content', () => {
  assert.deepEqual(safeGitArgs(['rev-parse', 'HEAD']), [
    '--no-pager', '--no-optional-locks',
    '-c', 'core.fsmonitor=false', '-c', 'core.hooksPath=/dev/null', '-c', 'core.untrackedCache=false', '-c', 'log.showSignature=false',
    'rev-parse', 'HEAD',
  ]);
  assert.deepEqual(safeGitArgs(['log', '-n1', '--', 'x']).slice(-6), ['log', '--no-ext-diff', '--no-textconv', '-n1', '--', 'x']);
  assert.deepEqual(safeGitArgs(['show', 'HEAD:x']).slice(-4), ['show', '--no-ext-diff', '--no-textconv', 'HEAD:x']);
});

test('repositoryFilterDrivers keeps drivers from local and worktree scope, any name, and leaves global and system ones', () => {
  const listing = ['local', 'filter.evil.clean', 'global', 'filter.lfs.clean', 'worktree', 'filter.a=b.c.process', 'system', 'filter.sys.process', 'local', 'filter.evil.process', ''].join('\0');
  assert.deepEqual(repositoryFilterDrivers(listing), ['evil', 'a=b.c']);
});

test('safeGitEnv appends its filter overrides after config the user passed through GIT_CONFIG_COUNT', () => {
  const env = safeGitEnv({ GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'user.name', GIT_CONFIG_VALUE_0: 'Me' }, ['evil']);
  assert.equal(env.GIT_CONFIG_COUNT, '4');
  assert.equal(env.GIT_CONFIG_KEY_0, 'user.name');
  assert.deepEqual([env.GIT_CONFIG_KEY_1, env.GIT_CONFIG_VALUE_1], ['filter.evil.clean', '']);
  assert.deepEqual([env.GIT_CONFIG_KEY_3, env.GIT_CONFIG_VALUE_3], ['filter.evil.required', 'false']);
  assert.equal(env.GIT_TERMINAL_PROMPT, '0');
});

test('runGit says git is missing when it is not on PATH, and names a working folder that does not exist', async (t) => {
  const dir = tempRepoDir(t);
  await assert.rejects(runGit(dir, ['--version'], { env: { ...process.env, PATH: path.join(dir, 'no-bin') } }), GitNotFoundError);
  await assert.rejects(runGit(path.join(dir, 'gone'), ['--version']), /gone does not exist \(git cannot run there\)/);
  assert.throws(() => runGitSync(dir, ['--version'], { env: { ...process.env, PATH: path.join(dir, 'no-bin') } }), GitNotFoundError);
});
