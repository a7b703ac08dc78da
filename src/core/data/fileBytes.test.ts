import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDataFile, readHashedFile, sha256Hex } from './fileBytes';
import { readCsv } from './csvReader';
import { readJsonl } from './jsonlReader';
import { readParquet } from './parquetReader';
import { CsvError } from './dataError';

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-filebytes-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** This process's open file descriptors (Linux: /proc/self/fd), to see that a refusal closes what it opened. */
function openFds(): number | undefined {
  return existsSync('/proc/self/fd') ? readdirSync('/proc/self/fd').length : undefined;
}

test('readHashedFile returns the bytes and their sha256; sha256Hex hashes text as UTF-8', (t) => {
  const file = join(tempDir(t), 'a.jsonl');
  writeFileSync(file, '{"x": "é"}\n');
  const { bytes, sha256 } = readHashedFile(file, 'data/a.jsonl');
  assert.equal(bytes.toString('utf8'), '{"x": "é"}\n');
  assert.equal(sha256, createHash('sha256').update(Buffer.from('{"x": "é"}\n', 'utf8')).digest('hex'));
  assert.equal(sha256Hex('{"x": "é"}\n'), sha256);
});

test('a missing file, a folder and a device are one line naming the display path, for every reader', async (t) => {
  const dir = tempDir(t);
  const folder = join(dir, 'folder.parquet');
  mkdirSync(folder);
  const refused = (shown: string, reason: string) => (e: unknown) => e instanceof CsvError && e.message === `${shown}: ${reason}`;
  assert.throws(() => readHashedFile(join(dir, 'none'), 'none.jsonl'), refused('none.jsonl', 'file not found'));
  assert.throws(() => readJsonl(folder, 'folder.jsonl'), refused('folder.jsonl', 'is a folder, not a file'));
  await assert.rejects(readParquet(folder, 'folder.parquet'), refused('folder.parquet', 'is a folder, not a file'));
  await assert.rejects(readCsv(folder, { displayPath: 'folder.csv' }), refused('folder.csv', 'is a folder, not a file'));
  if (!existsSync('/dev/zero')) return t.skip('no /dev/zero on this system');
  // /dev/zero never ends: read whole, it would fill memory instead of being refused.
  const device = 'is not a regular file (a device, pipe or socket); give a data file';
  assert.throws(() => readJsonl('/dev/zero', 'zero.jsonl'), refused('zero.jsonl', device));
  await assert.rejects(readParquet('/dev/zero', 'zero.parquet'), refused('zero.parquet', device));
  await assert.rejects(readCsv('/dev/zero', { displayPath: 'zero.csv' }), refused('zero.csv', device));
});

test('openDataFile closes the file it refuses and hands over the one it accepts', (t) => {
  const dir = tempDir(t);
  const before = openFds();
  if (before === undefined) return t.skip('no /proc/self/fd on this system');
  for (let i = 0; i < 5; i++) assert.throws(() => openDataFile(dir), /is a folder/);
  assert.equal(openFds(), before, 'no descriptor left open by the refusals');
  const file = join(dir, 'd.csv');
  writeFileSync(file, 'a,b\n1,2\n');
  const { fd, size } = openDataFile(file);
  assert.equal(size, 8);
  assert.equal(openFds(), before + 1);
  closeSync(fd);
});
