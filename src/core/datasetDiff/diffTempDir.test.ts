import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ABANDONED_AFTER_MS, makeDiffTempDir, removeAbandonedDiffDirs } from './diffTempDir';

test('a diff folder left by a dead process is removed once it is an hour old; live, young and foreign folders stay', () => {
  const parent = mkdtempSync(join(tmpdir(), 'runlens-temp-'));
  try {
    // A pid that surely is gone: a child that has exited.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid as number;
    const old = (Date.now() - ABANDONED_AFTER_MS - 60_000) / 1000;
    const make = (name: string, mtime?: number): void => {
      mkdirSync(join(parent, name));
      writeFileSync(join(parent, name, 'a-0.part'), 'x');
      if (mtime !== undefined) utimesSync(join(parent, name), mtime, mtime);
    };
    make(`runlens-diff-${dead}-old`, old);
    make(`runlens-diff-${dead}-young`);
    make(`runlens-diff-${process.pid}-mine`, old);
    make('runlens-other-1', old);
    const mine = makeDiffTempDir(parent);
    assert.ok(mine.startsWith(join(parent, `runlens-diff-${process.pid}-`)));
    assert.deepEqual(readdirSync(parent).sort(), [`runlens-diff-${dead}-young`, `runlens-diff-${process.pid}-mine`, mine.split('/').pop(), 'runlens-other-1'].sort());
    // Alive (per the check) keeps even an old folder.
    make(`runlens-diff-${dead}-old2`, old);
    assert.deepEqual(removeAbandonedDiffDirs(parent, Date.now(), () => true), []);
    assert.deepEqual(removeAbandonedDiffDirs(parent, Date.now(), () => false), [`runlens-diff-${dead}-old2`]);
    assert.equal(existsSync(join(parent, `runlens-diff-${dead}-young`)), true);
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});

test('a missing parent folder is not an error', () => {
  assert.deepEqual(removeAbandonedDiffDirs(join(tmpdir(), 'runlens-no-such-folder-here')), []);
});
