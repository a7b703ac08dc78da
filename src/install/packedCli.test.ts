/**
 * The CLI as a user installs it: `npm pack` (its `prepare` builds dist/),
 * `npm install -g --prefix <tmp>` of the tarball (better-sqlite3 built for
 * this Node), then `runlens init` and `runlens train` in a folder outside
 * the clone with only the prefix's bin/ added to PATH. The repository is
 * copied first (node_modules linked) so packing never rewrites the
 * checkout's own dist/. Slow (minutes): npm resolves the tarball's
 * dependency ranges from the registry's metadata, and compiles
 * better-sqlite3. Skipped, with the reason, where npm cannot reach a registry.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../../test/fixtures/workspace';

const SKIP_TOP = new Set(['node_modules', '.git', 'dist', 'test', 'mlruns', 'docs', 'media']);

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('npm pack, npm install -g into a prefix, then runlens init and train outside the clone', (t) => {
  const ping = run('npm', ['ping'], tmpdir());
  if (ping.code !== 0) return t.skip(`npm cannot reach its registry: ${ping.stderr.trim().split('\n').at(-1)}`);
  const work = mkdtempSync(join(tmpdir(), 'runlens-packed-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const copy = join(work, 'src');
  cpSync(REPO_ROOT, copy, { recursive: true, filter: (p) => !SKIP_TOP.has(relative(REPO_ROOT, p).split('/')[0]!) && !p.includes('/.runlens') });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(copy, 'node_modules'));

  const packed = run('npm', ['pack', '--json', '--pack-destination', work], copy);
  assert.equal(packed.code, 0, packed.stderr);
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  const files = info!.files.map((f) => f.path);
  for (const needed of ['bin/runlens.js', 'dist/cli.js', 'dist/buildGuard.js', 'dist/serve.js', 'examples/iris.train.yaml', 'examples/data/iris.csv', 'schemas/train.schema.json']) {
    assert.ok(files.includes(needed), `${needed} is not in the tarball`);
  }
  assert.deepEqual(files.filter((f) => f.startsWith('src/') || f.startsWith('node_modules/') || f.includes('.runlens/') || f.endsWith('.map')), []);

  const prefix = join(work, 'prefix');
  const installed = run('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', `./${info!.filename}`], work);
  assert.equal(installed.code, 0, installed.stderr);
  assert.ok(existsSync(join(prefix, 'lib', 'node_modules', 'runlens', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')), 'better-sqlite3 was not built');

  const home = join(work, 'home');
  mkdirSync(home);
  const env = { PATH: `${join(prefix, 'bin')}:/usr/bin:/bin`, HOME: home };
  const init = run('runlens', ['init', 'p'], home, env);
  assert.equal(init.code, 0, init.stderr);
  assert.match(init.stdout, /^next: cd p && runlens train iris\.train\.yaml$/m);
  const train = run('/bin/sh', ['-c', 'runlens train iris.train.yaml --json'], join(home, 'p'), env);
  assert.equal(train.code, 0, train.stderr);
  assert.equal((JSON.parse(train.stdout) as { status: string }).status, 'finished');
  const runs = run('runlens', ['runs', '--json'], join(home, 'p'), env);
  assert.equal((JSON.parse(runs.stdout) as unknown[]).length, 1);
});
