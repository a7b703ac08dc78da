import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isWorkspaceRoot, locateStore, noStoreMessage } from './storeLocation';

function tempRoot(t: { after: (fn: () => void) => void }): string {
  const root = mkdtempSync(join(tmpdir(), 'runlens-loc-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  return root;
}

function storeAt(dir: string): void {
  mkdirSync(join(dir, '.runlens'), { recursive: true });
  writeFileSync(join(dir, '.runlens', 'store.db'), '');
}

test('option beats env beats the nearest .runlens above beats ./.runlens', (t) => {
  const root = tempRoot(t);
  const nested = join(root, 'a', 'b');
  mkdirSync(nested, { recursive: true });
  const env = { HOME: root };
  assert.deepEqual(locateStore(nested, undefined, env), { dir: join(nested, '.runlens'), source: 'default', searched: [nested, join(root, 'a'), root] });
  storeAt(root);
  assert.deepEqual(locateStore(nested, undefined, env), { dir: join(root, '.runlens'), source: 'found', searched: [nested, join(root, 'a'), root] });
  assert.equal(locateStore(nested, undefined, { ...env, RUNLENS_STORE: '/tmp/x' }).dir, '/tmp/x');
  assert.equal(locateStore(nested, 'rel', { ...env, RUNLENS_STORE: '/tmp/x' }).dir, join(nested, 'rel'));
});

test('the lookup stops at the workspace root: a store above it is not used', (t) => {
  for (const marker of ['.git', 'package.json', 'iris.train.yaml']) {
    const root = tempRoot(t);
    storeAt(root);
    const project = join(root, 'project');
    const sub = join(project, 'src');
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(project, marker), '');
    const found = locateStore(sub, undefined, { HOME: '/' });
    assert.equal(found.source, 'default', marker);
    assert.deepEqual(found.searched, [sub, project], marker);
    // The root's own store is still found from below it.
    storeAt(project);
    assert.equal(locateStore(sub, undefined, { HOME: '/' }).dir, join(project, '.runlens'), marker);
  }
});

test('the lookup never goes above $HOME', (t) => {
  const root = tempRoot(t);
  storeAt(root);
  const home = join(root, 'home');
  const cwd = join(home, 'notes');
  mkdirSync(cwd, { recursive: true });
  assert.deepEqual(locateStore(cwd, undefined, { HOME: home }).searched, [cwd, home]);
  assert.equal(locateStore(cwd, undefined, { HOME: home }).source, 'default');
  assert.equal(locateStore(cwd, undefined, { HOME: '/nowhere' }).dir, join(root, '.runlens'));
});

test('a workspace root is a folder with .git, package.json or a *.train.* config', (t) => {
  const root = tempRoot(t);
  assert.equal(isWorkspaceRoot(root), false);
  writeFileSync(join(root, 'train.py'), '');
  writeFileSync(join(root, '.train.yaml'), '');
  assert.equal(isWorkspaceRoot(root), false);
  writeFileSync(join(root, 'churn.train.json'), '');
  assert.equal(isWorkspaceRoot(root), true);
  assert.equal(isWorkspaceRoot(join(root, 'missing')), false);
});

test('the no-store message names where it looked, in one line', () => {
  assert.equal(noStoreMessage({ dir: '/w/a/.runlens', source: 'default', searched: ['/w/a', '/w'] }),
    'no RunLens store here (looked for .runlens/ in /w/a up to /w); train a config or pass --store');
  assert.equal(noStoreMessage({ dir: '/w/.runlens', source: 'default', searched: ['/w'] }),
    'no RunLens store here (looked for .runlens/ in /w); train a config or pass --store');
  assert.match(noStoreMessage({ dir: '/s', source: 'option', searched: [] }), /^no RunLens store at \/s \(named by --store\)/);
  assert.match(noStoreMessage({ dir: '/s', source: 'env', searched: [] }), /^no RunLens store at \/s \(named by RUNLENS_STORE\)/);
});
