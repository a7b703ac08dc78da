/**
 * `runlens init`'s last lines are a command that works here: bare `runlens`
 * only when it is on PATH, else this installation's launcher by path.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runCli } from '../../../test/fixtures/workspace';
import { nextStep } from './init';

test('nextStep says runlens only where a runlens is on PATH', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-init-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const launcher = '/opt/run lens/bin/runlens.js';
  assert.deepEqual(nextStep(dir, join(dir, 'p'), { PATH: bin }, launcher, '/usr/bin/node'), [
    "next: cd p && /usr/bin/node '/opt/run lens/bin/runlens.js' train iris.train.yaml",
    'runlens is not on PATH: install it with `npm install -g <runlens-version.tgz>` (see the README), or in VS Code run "RunLens: Install \'runlens\' Command in PATH"',
  ]);
  writeFileSync(join(bin, 'runlens'), '#!/bin/sh\n', { mode: 0o755 });
  assert.deepEqual(nextStep(dir, join(dir, 'p'), { PATH: bin }, launcher), ['next: cd p && runlens train iris.train.yaml']);
  assert.deepEqual(nextStep(dir, dir, { PATH: bin }, launcher), ['next: runlens train iris.train.yaml']);
});

test('the command init prints without runlens on PATH trains the examples', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-init-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const init = runCli(dir, ['init', 'my project'], { PATH: '/usr/bin:/bin' });
  assert.equal(init.code, 0, init.stderr);
  const next = /^next: cd 'my project' && (.*)$/m.exec(init.stdout);
  assert.ok(next, init.stdout);
  assert.match(init.stdout, /^runlens is not on PATH: /m);
  assert.equal(next[1], `${process.execPath} ${join(REPO_ROOT, 'bin', 'runlens.js')} train iris.train.yaml`);
  // the same command, run by a shell in that folder (needs the built dist/cli.js, as an installation has)
  if (!spawnSync('test', ['-f', join(REPO_ROOT, 'dist', 'cli.js')]).status) {
    const r = spawnSync('/bin/sh', ['-c', `${next[1]} --json`], { cwd: join(dir, 'my project'), encoding: 'utf8', env: { ...process.env, RUNLENS_STORE: '' } });
    assert.equal(r.status, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { status: string }).status, 'finished');
  }
});
