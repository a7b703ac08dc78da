/**
 * Choosing the image a smoke test runs, and the storage flags it needs. The
 * image actually running under buildah is tested in
 * src/deploy/build/imageBuild.test.ts, where the image is built.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelBuildRecord } from '../../store/types';
import { findOnPath } from '../build/containerCli';
import { missingTool } from '../../../test/fixtures/requiredTool';
import { findRunnableImage, storageArgs } from './imageServer';

const VFS = ['--storage-driver', 'vfs'];

function build(over: Partial<ModelBuildRecord>): ModelBuildRecord {
  return {
    id: 1, name: 'iris', version: 1, tag: 'localhost/iris:1', cli: 'buildah', baseImage: 'node:20-bookworm-slim', contextDir: '/w/.runlens/builds/iris-1',
    status: 'succeeded', imageId: `sha256:${'0'.repeat(64)}`, startedAt: 1, endedAt: 2, durationMs: 1, logSha256: null, error: null, pid: null,
    ...over,
  };
}

test('storageArgs keeps the global storage flags of buildah and podman, in both spellings, and drops build-only ones', () => {
  const args = ['--storage-driver', 'vfs', '--pull=never', '--root=/var/tmp/store', '--layers', '--runroot', '/run/x', '--storage-opt=overlay.mount_program=/usr/bin/fuse-overlayfs'];
  const kept = ['--storage-driver', 'vfs', '--root=/var/tmp/store', '--runroot', '/run/x', '--storage-opt=overlay.mount_program=/usr/bin/fuse-overlayfs'];
  assert.deepEqual(storageArgs('buildah', args), kept);
  assert.deepEqual(storageArgs('podman', args), kept);
  assert.deepEqual(storageArgs('docker', args), [], 'docker has no storage flags: its engine owns the storage');
  assert.deepEqual(storageArgs('buildah', ['--storage-driver']), [], 'a flag without its value is dropped, not passed half');
  assert.deepEqual(storageArgs('buildah'), []);
});

test('no successful build: the reason says to build one', async () => {
  for (const builds of [[], [build({ status: 'failed', imageId: null }), build({ id: 2, status: 'running', imageId: null })]]) {
    const found = await findRunnableImage(builds);
    assert.deepEqual(found, { reason: 'no image has been built for this version yet (Build image, or `runlens build`)' });
  }
});

test('a build that names no CLI, or a CLI that is not here, is passed over with the reason', async (t) => {
  if (findOnPath('podman')) return t.skip('podman is installed here');
  const found = await findRunnableImage([build({ id: 3, cli: null }), build({ id: 4, cli: 'podman' })]);
  assert.ok('reason' in found);
  assert.equal(found.reason, 'build #4 was made with podman, which does not work here: not on PATH; build #3 names no container CLI');
});

test('an image removed from buildah\'s storage since its build is passed over, naming the build, tag and id', async (t) => {
  const missing = missingTool(findOnPath('buildah') !== null, 'buildah', 'buildah');
  if (missing) return t.skip(missing);
  const found = await findRunnableImage([build({ id: 7, imageId: `sha256:${'e'.repeat(64)}` })], { cliArgs: [...VFS, '--pull=never'] });
  assert.ok('reason' in found, JSON.stringify(found));
  assert.equal(found.reason, `the image of build #7 (localhost/iris:1, sha256:eeeeeeeeeeee) is no longer in buildah's storage: build it again`);
});
