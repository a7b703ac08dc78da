import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ensureStoreDir, resolveStoreDir, storePaths } from './location';
import { tempDir } from './testing/tempStore';

test('resolveStoreDir: --store beats RUNLENS_STORE beats <workspace>/.runlens', () => {
  const env = { RUNLENS_STORE: '/env/store' };
  assert.equal(resolveStoreDir('/ws', { store: '/flag/store', env }), '/flag/store');
  assert.equal(resolveStoreDir('/ws', { env }), '/env/store');
  assert.equal(resolveStoreDir('/ws', { env: {} }), path.join('/ws', '.runlens'));
  assert.equal(resolveStoreDir('/ws'), path.join('/ws', '.runlens'));
});

test('resolveStoreDir: relative paths resolve against the workspace; blank values are ignored', () => {
  assert.equal(resolveStoreDir('/ws', { store: 'custom' }), '/ws/custom');
  assert.equal(resolveStoreDir('/ws', { env: { RUNLENS_STORE: 'rel/store' } }), '/ws/rel/store');
  assert.equal(resolveStoreDir('/ws', { store: '  ', env: { RUNLENS_STORE: '' } }), '/ws/.runlens');
});

test('ensureStoreDir writes a .gitignore holding * and keeps an existing one', (t) => {
  const dir = path.join(tempDir(t), 'store');
  const paths = storePaths(dir);
  ensureStoreDir(paths);
  assert.equal(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8'), '*\n');
  assert.ok(fs.statSync(paths.artifacts).isDirectory());
  fs.writeFileSync(path.join(dir, '.gitignore'), 'custom\n');
  ensureStoreDir(paths);
  assert.equal(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8'), 'custom\n');
});
