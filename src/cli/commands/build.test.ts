/**
 * `runlens build` through the real CLI: train and register with the CLI,
 * then write contexts, refuse bad input in one line, and report a machine
 * with no container CLI (exit 3, context ready, the command to run
 * elsewhere). The real image build is src/deploy/build/imageBuild.test.ts.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../../test/fixtures/workspace';
import { isolatedDir, registeredCliWorkspace } from '../../deploy/build/testing/buildFixtures';

let ws: Awaited<ReturnType<typeof registeredCliWorkspace>>;
let env: NodeJS.ProcessEnv;
const scratch = isolatedDir('runlens-build-cli-');

before(async () => {
  ws = await registeredCliWorkspace();
  env = ws.env;
});
after(() => {
  ws.cleanup();
  scratch.cleanup();
});

test('--context-only writes .runlens/builds/<model>-<version> and prints the command to build it', () => {
  const r = runCli(ws.dir, ['build', 'iris@production', '--context-only', '--json', '--base', 'node:20-slim'], env);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { status: string; contextDir: string; tag: string; command: string; baseImage: string };
  assert.equal(out.status, 'context-only');
  assert.equal(out.contextDir, join(ws.dir, '.runlens', 'builds', 'iris-1'));
  assert.equal(out.tag, 'runlens/iris:1');
  assert.equal(out.baseImage, 'node:20-slim');
  assert.equal(out.command, `docker build -t runlens/iris:1 -f ${join(out.contextDir, 'Dockerfile')} ${out.contextDir}`);
  assert.match(readFileSync(join(out.contextDir, 'Dockerfile'), 'utf8'), /^FROM node:20-slim$/m);
  assert.ok(existsSync(join(out.contextDir, 'server', 'serve.js')));
});

test('bad input is one line and exit 2: a tag with shell metacharacters, an unknown CLI', () => {
  const evil = runCli(ws.dir, ['build', 'iris:1', '--tag', 'x; rm -rf /', '--context-only'], env);
  assert.equal(evil.code, 2);
  assert.equal(evil.stderr, 'error: invalid image reference "x; rm -rf /": character ";" at position 2 is not allowed (letters, digits and . _ - / : @ only)\n');
  const cli = runCli(ws.dir, ['build', 'iris:1', '--cli', 'nerdctl'], env);
  assert.equal(cli.code, 2);
  assert.match(cli.stderr, /^error: unknown container CLI "nerdctl"/);
});

test('no working container CLI: exit 3, the reasons, the context ready and the command to run elsewhere', () => {
  const emptyPath = join(scratch.dir, 'empty-path');
  mkdirSync(emptyPath, { recursive: true });
  const r = runCli(ws.dir, ['build', 'iris', '--cli-arg=--pull=never'], { ...env, PATH: emptyPath });
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /skipped docker: not on PATH\nskipped podman: not on PATH\nskipped buildah: not on PATH/);
  const ctx = join(ws.dir, '.runlens', 'builds', 'iris-1');
  assert.match(r.stdout, /^no image built: no working container CLI \(docker: not on PATH; podman: not on PATH; buildah: not on PATH\)$/m);
  assert.ok(r.stdout.includes(`  docker build --pull=never -t runlens/iris:1 -f ${join(ctx, 'Dockerfile')} ${ctx}\n`), r.stdout);
  assert.ok(existsSync(join(ctx, 'model', 'model.json')));
});
