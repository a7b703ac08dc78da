/**
 * The `runlens` wrapper in a real folder, run by a real /bin/sh: arguments
 * reach the CLI unchanged, a foreign `runlens` is never replaced or removed,
 * an extension folder that is gone is one line, and the wrapper runs the
 * repository's real launcher (bin/runlens.js → dist/cli.js).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../test/fixtures/workspace';
import { wrapperLauncher, wrapperScript } from './commandWrapper';
import { COMMAND_NAME, PathInstallError, installCommand, installedWrappers, planInstall, uninstallCommand } from './pathInstall';

function tempHome(t: { after(fn: () => void): void }): string {
  // a space and a quote in the path: the wrapper must quote what it runs
  const home = mkdtempSync(join(tmpdir(), "runlens home's "));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  return home;
}

/** A stand-in extension whose launcher prints what it was given. */
function fakeExtension(home: string): string {
  const launcher = join(home, 'ext dir', 'bin', 'runlens.js');
  mkdirSync(join(home, 'ext dir', 'bin'), { recursive: true });
  writeFileSync(launcher, 'process.stdout.write(JSON.stringify({ argv: process.argv.slice(2), electron: process.env.ELECTRON_RUN_AS_NODE ?? null }));\n');
  return launcher;
}

function sh(command: string, env: NodeJS.ProcessEnv, cwd?: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('/bin/sh', ['-c', command], { env, cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('planInstall picks the user bin folder on PATH, else ~/.local/bin to create, and names a runlens that would shadow it', (t) => {
  const home = tempHome(t);
  const other = join(home, 'usr-bin');
  mkdirSync(other);
  assert.deepEqual(planInstall(home, { PATH: other }), { dir: join(home, '.local', 'bin'), mustCreate: true, onPath: false, shadowedBy: null });
  mkdirSync(join(home, 'bin'));
  assert.deepEqual(planInstall(home, { PATH: `${other}:${join(home, 'bin')}` }), { dir: join(home, 'bin'), mustCreate: false, onPath: true, shadowedBy: null });
  writeFileSync(join(other, COMMAND_NAME), '#!/bin/sh\necho npm one\n', { mode: 0o755 });
  assert.equal(planInstall(home, { PATH: `${other}:${join(home, 'bin')}` }).shadowedBy, join(other, COMMAND_NAME));
});

test('the installed wrapper runs the launcher with ELECTRON_RUN_AS_NODE=1 and every argument unchanged', (t) => {
  const home = tempHome(t);
  const launcher = fakeExtension(home);
  const dir = join(home, '.local', 'bin');
  assert.throws(() => installCommand(dir, { runtime: process.execPath, electronRunAsNode: true, launcher }), /does not exist$/);
  const file = installCommand(dir, { runtime: process.execPath, electronRunAsNode: true, launcher }, { create: true });
  assert.equal(file, join(dir, 'runlens'));
  assert.equal(statSync(file).mode & 0o777, 0o755);
  assert.equal(wrapperLauncher(readFileSync(file, 'utf8')), launcher);
  const r = sh(`runlens train 'a b.yaml' --set "x=it's" '$HOME' ''`, { PATH: `${dir}:/usr/bin:/bin` });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { argv: ['train', 'a b.yaml', '--set', "x=it's", '$HOME', ''], electron: '1' });
  // a plain node: no ELECTRON_RUN_AS_NODE; installing again replaces our own wrapper
  installCommand(dir, { runtime: process.execPath, electronRunAsNode: false, launcher });
  assert.deepEqual(JSON.parse(sh('runlens x', { PATH: `${dir}:/usr/bin:/bin` }).stdout), { argv: ['x'], electron: null });
  assert.deepEqual(installedWrappers(home), [file]);
});

test('a runlens RunLens did not write is neither replaced nor removed', (t) => {
  const home = tempHome(t);
  const launcher = fakeExtension(home);
  const dir = join(home, 'bin');
  mkdirSync(dir);
  const mine = '#!/bin/sh\necho my own runlens\n';
  writeFileSync(join(dir, 'runlens'), mine, { mode: 0o755 });
  assert.throws(() => installCommand(dir, { runtime: process.execPath, electronRunAsNode: true, launcher }), (e: unknown) => e instanceof PathInstallError && /runlens already exists and was not installed by RunLens/.test(e.message));
  assert.throws(() => uninstallCommand(dir), /was not installed by RunLens; it is left as it is$/);
  assert.equal(readFileSync(join(dir, 'runlens'), 'utf8'), mine);
  assert.deepEqual(installedWrappers(home), []);
});

test('uninstall removes our wrapper; a wrapper whose extension is gone says so in one line', (t) => {
  const home = tempHome(t);
  const launcher = fakeExtension(home);
  const dir = join(home, '.local', 'bin');
  installCommand(dir, { runtime: process.execPath, electronRunAsNode: true, launcher }, { create: true });
  rmSync(join(home, 'ext dir'), { recursive: true });
  const r = sh('runlens runs', { PATH: `${dir}:/usr/bin:/bin` });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, `error: this runlens command points at a RunLens extension that is gone (${launcher}): run "RunLens: Install 'runlens' Command in PATH" again in VS Code\n`);
  assert.equal(uninstallCommand(dir), join(dir, 'runlens'));
  assert.equal(existsSync(join(dir, 'runlens')), false);
  assert.equal(uninstallCommand(dir), null);
});

test('the wrapper runs the real CLI launcher: runlens init then runlens train in a folder outside the repository', (t) => {
  const launcher = join(REPO_ROOT, 'bin', 'runlens.js');
  if (!existsSync(join(REPO_ROOT, 'dist', 'cli.js'))) return t.skip('dist/cli.js is not built (npm run build)');
  const home = tempHome(t);
  const dir = join(home, '.local', 'bin');
  installCommand(dir, { runtime: process.execPath, electronRunAsNode: true, launcher }, { create: true });
  const env = { PATH: `${dir}:/usr/bin:/bin`, HOME: home };
  const init = sh('runlens init p', env, home);
  assert.equal(init.code, 0, init.stderr);
  assert.match(init.stdout, /^created iris\.train\.yaml$/m);
  const train = sh('runlens train iris.train.yaml --json', env, join(home, 'p'));
  assert.equal(train.code, 0, train.stderr);
  assert.equal((JSON.parse(train.stdout) as { status: string }).status, 'finished');
  assert.ok(existsSync(join(home, 'p', '.runlens', 'store.db')));
});

test('the script is a POSIX shell script that sh -n accepts', () => {
  const text = wrapperScript({ runtime: '/opt/VS Code/code', electronRunAsNode: true, launcher: "/home/a'b/.vscode/extensions/runlens.runlens-0.1.0/bin/runlens.js" });
  const r = spawnSync('/bin/sh', ['-n'], { input: text, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(wrapperLauncher(text), "/home/a'b/.vscode/extensions/runlens.runlens-0.1.0/bin/runlens.js");
});
