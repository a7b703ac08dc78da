/** A run's live log: written as it grows, removed with its folder, and never a reason for a run to fail. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { findLiveLog, LiveLogFile, liveLogDir, liveLogPath } from './liveLogs';
import { tempDir } from './testing/tempStore';

test('a live log is appended as written; removing one log keeps the other, removing both removes the run\'s folder', (t) => {
  const dir = tempDir(t);
  const train = new LiveLogFile(liveLogPath(dir, 'r1', 'logs/train.log'));
  const output = new LiveLogFile(liveLogPath(dir, 'r1', 'logs/output.log'));
  assert.equal(findLiveLog(dir, 'r1'), undefined, 'nothing is created before the first write');
  train.write('[data] loading\n');
  train.write('[fit] fitting\n');
  output.write('script line\n');
  assert.equal(fs.readFileSync(train.file, 'utf8'), '[data] loading\n[fit] fitting\n');
  assert.equal(findLiveLog(dir, 'r1'), output.file, 'a command run\'s output comes first');
  output.remove();
  assert.equal(findLiveLog(dir, 'r1'), train.file);
  train.remove();
  assert.equal(fs.existsSync(liveLogDir(dir, 'r1')), false);
  assert.ok(fs.existsSync(dir));
});

test('a write that cannot be made stops the live copy without throwing', (t) => {
  const dir = tempDir(t);
  // A file where the run's folder should be: mkdir fails.
  fs.mkdirSync(path.join(dir, 'live'));
  fs.writeFileSync(liveLogDir(dir, 'r2'), 'not a folder');
  const log = new LiveLogFile(liveLogPath(dir, 'r2', 'logs/train.log'));
  assert.doesNotThrow(() => log.write('a line\n'));
  assert.doesNotThrow(() => log.write('another\n'));
  assert.doesNotThrow(() => log.remove());
  assert.equal(fs.readFileSync(liveLogDir(dir, 'r2'), 'utf8'), 'not a folder');
});
