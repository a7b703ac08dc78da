import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findStoreDir } from './storeLocation';

test('option beats env beats the nearest .runlens above beats ./.runlens', () => {
  const root = mkdtempSync(join(tmpdir(), 'runlens-loc-'));
  try {
    const nested = join(root, 'a', 'b');
    mkdirSync(nested, { recursive: true });
    assert.equal(findStoreDir(nested, undefined, {}), join(nested, '.runlens'));
    mkdirSync(join(root, '.runlens'));
    writeFileSync(join(root, '.runlens', 'store.db'), '');
    assert.equal(findStoreDir(nested, undefined, {}), join(root, '.runlens'));
    assert.equal(findStoreDir(nested, undefined, { RUNLENS_STORE: '/tmp/x' }), '/tmp/x');
    assert.equal(findStoreDir(nested, 'rel', { RUNLENS_STORE: '/tmp/x' }), join(nested, 'rel'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
