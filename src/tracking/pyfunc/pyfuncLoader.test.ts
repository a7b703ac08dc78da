import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../../../test/fixtures/workspace';
import { findPyfuncLoader, readPyfuncLoader } from './pyfuncLoader';

test('the loader is found from the sources and from beside the bundles in dist/, as python/runlens.py is', () => {
  const shipped = join(REPO_ROOT, 'python', 'runlens_pyfunc.py');
  assert.equal(findPyfuncLoader(), shipped);
  assert.equal(findPyfuncLoader(join(REPO_ROOT, 'dist')), shipped);
  assert.match(readPyfuncLoader().toString('utf8'), /^def _load_pyfunc\(data_path\):$/m);
});

test('an installation without it says so in one line', () => {
  const empty = mkdtempSync(join(tmpdir(), 'runlens-noloader-'));
  try {
    assert.equal(findPyfuncLoader(empty), undefined);
    assert.throws(() => readPyfuncLoader(empty), (e: Error) => /^python\/runlens_pyfunc\.py is missing from this RunLens installation \(looked upwards from .*\); reinstall RunLens$/.test(e.message));
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});
