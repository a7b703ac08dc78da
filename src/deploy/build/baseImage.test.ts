/**
 * A first container build on a machine that cannot pull, through the CLI
 * with the real buildah in vfs storage: `runlens build` fails at FROM
 * node:20-bookworm-slim and names `runlens base-image`; that command builds
 * runlens-node:20 (from the Debian root file system that
 * scripts/base-image.mjs keeps under test/e2e/.cache/base-image, so the
 * suite debootstraps once); the build command the error printed then
 * succeeds as printed, and says how to run the image with what is installed.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runCli } from '../../../test/fixtures/workspace';
import { missingTool } from '../../../test/fixtures/requiredTool';
import { registeredCliWorkspace } from './testing/buildFixtures';
import { baseContainerfile, defaultBaseTag } from './baseImage';
import { findOnPath, runImageCommandHere } from './containerCli';

const CACHE = join(REPO_ROOT, 'test/e2e/.cache/base-image');
const TAG = 'localhost/runlens-test/iris-offline:1';
const VFS = '--cli-arg=--storage-driver=vfs';

let skip: string | false = false;
let ws: Awaited<ReturnType<typeof registeredCliWorkspace>> | undefined;

function buildah(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('buildah', ['--storage-driver', 'vfs', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(async () => {
  skip = missingTool(findOnPath('buildah') !== null, 'buildah', 'buildah');
  if (!skip && process.getuid?.() !== 0) skip = 'runlens base-image runs debootstrap, which needs root';
  if (skip) return;
  // makes (once) the cached root file system this test builds from
  const base = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/base-image.mjs')], { encoding: 'utf8' });
  assert.equal(base.status, 0, `base image: ${base.stderr.slice(-2000)}`);
  ws = await registeredCliWorkspace();
});

after(() => {
  if (!skip) {
    buildah(['rmi', '--force', TAG]);
    buildah(['rmi', '--force', 'localhost/runlens-node:20']);
  }
  ws?.cleanup();
});

test('the base image is Debian minbase plus this node, tagged by its major version', () => {
  assert.equal(defaultBaseTag('v20.20.2'), 'runlens-node:20');
  assert.equal(defaultBaseTag('v22.1.0'), 'runlens-node:22');
  const file = baseContainerfile('v20.20.2');
  assert.match(file, /^FROM scratch\nADD rootfs\.tar \/\nCOPY node \/usr\/local\/bin\/node\nLABEL runlens\.base\.node=v20\.20\.2 /);
  assert.match(file, /^ENV NODE_VERSION=20\.20\.2$/m);
});

test('the run command uses podman where it is installed, else serves with runlens', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-path-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const serve = 'runlens serve iris@production --image';
  assert.equal(runImageCommandHere('buildah', 'runlens/iris:1', serve, { PATH: dir }), serve);
  writeFileSync(join(dir, 'podman'), '#!/bin/sh\n');
  chmodSync(join(dir, 'podman'), 0o755);
  assert.equal(runImageCommandHere('buildah', 'runlens/iris:1', serve, { PATH: dir }), 'podman run --rm -p 127.0.0.1:8080:8080 runlens/iris:1');
  assert.equal(runImageCommandHere('docker', 'runlens/iris:1', serve, { PATH: dir }), serve, 'docker is not on that PATH');
});

test('no registry: build names runlens base-image, which builds runlens-node:20, and the build it printed then works', async (t) => {
  if (skip) return t.skip(skip);
  const dir = ws!.dir;
  // 1. FROM node:20-bookworm-slim cannot be pulled here
  const failed = runCli(dir, ['build', 'iris@production', '--cli', 'buildah', '--tag', TAG, VFS], ws!.env);
  assert.equal(failed.code, 1, failed.stdout);
  const error = failed.stderr.split('\n').filter((l) => l.startsWith('error: '));
  assert.equal(error.length, 1, failed.stderr);
  const m = /^error: the base image node:20-bookworm-slim could not be pulled or found \((.+)\): build a local one with (runlens base-image --cli buildah --cli-arg=--storage-driver=vfs), then (runlens build iris@production --base runlens-node:20 --tag \S+ --cli buildah --cli-arg=--storage-driver=vfs) \(build #\d+, log blob [0-9a-f]{64}\)$/.exec(error[0]!);
  assert.ok(m, error[0]);
  assert.match(m[1]!, /node:20-bookworm-slim/);

  // 2. the command it named (rebuilt from the cached root file system; --cache-dir keeps the suite from debootstrapping)
  const made = runCli(dir, [...m[2]!.split(' ').slice(1), '--cache-dir', CACHE, '--force'], ws!.env);
  assert.equal(made.code, 0, made.stderr);
  // It says up front how long it will take: from the cached file system, or (a clean clone whose suite has not
  // cached it yet, since the image tests run beside this one) debootstrap first.
  assert.match(made.stderr.split('\n')[0]!, /^building runlens-node:20(?: .*with buildah from the cached Debian file system and node v\d+\.\d+\.\d+.*: about 10-30 s|: debootstrap makes a Debian bookworm minbase from \S+ \(about 40 MB of packages, 2-4 min\), then buildah adds node v\d+\.\d+\.\d+ \(about 10-30 s\))$/);
  assert.match(made.stdout, /^built runlens-node:20 \(sha256:[0-9a-f]{64}\) with buildah: Debian bookworm minbase \+ node v\d+/m);
  assert.match(made.stdout, /^use it: runlens build <model> --base runlens-node:20 --cli buildah --cli-arg=--storage-driver=vfs$/m);
  const label = buildah(['inspect', '--type', 'image', '--format', '{{index .Docker.Config.Labels "runlens.base.node"}}', 'localhost/runlens-node:20']);
  assert.equal(label.stdout.trim(), process.version);
  // a second call finds it
  const again = runCli(dir, m[2]!.split(' ').slice(1), ws!.env);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout.split('\n')[0], `runlens-node:20 is already built with node ${process.version} (buildah); --force rebuilds it`);

  // 3. the build as the error printed it
  const built = runCli(dir, m[3]!.split(' ').slice(1), ws!.env);
  assert.equal(built.code, 0, built.stderr);
  assert.match(built.stdout, new RegExp(`^built ${TAG.replace(/[/.]/g, '\\$&')} \\(sha256:[0-9a-f]{64}\\) with buildah`, 'm'));
  // Without podman, "run it" would be the serve line: the output says that once, as "serve it here".
  const serveHere = 'runlens serve iris@production --image --cli-arg=--storage-driver=vfs';
  assert.match(built.stdout, new RegExp(`^serve it here: ${serveHere.replace(/[/.]/g, '\\$&')}$`, 'm'));
  if (findOnPath('podman')) assert.match(built.stdout, new RegExp(`^run it: podman run --rm -p 127\\.0\\.0\\.1:8080:8080 ${TAG.replace(/[/.]/g, '\\$&')}$`, 'm'));
  else assert.doesNotMatch(built.stdout, /^run it:/m);
  // the image's node is this machine's
  const from = buildah(['from', '--pull-never', TAG]);
  assert.equal(from.code, 0, from.stderr);
  const container = from.stdout.trim().split('\n').at(-1)!;
  try {
    const version = buildah(['run', '--isolation', 'chroot', container, '--', 'node', '--version']);
    assert.equal(version.stdout.trim(), process.version, version.stderr);
  } finally {
    buildah(['rm', container]);
  }
});
