/**
 * Hostile CSV files through the real CLI (`runlens train` on a throwaway
 * copy of examples/): each gets one exact line naming the file, line and
 * column where there is one, exit code 1, a run that ends `failed` with that
 * line as its error (never left `running`), and no more than a short,
 * escaped excerpt of the file's content in any message.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeWorkspace, runCli } from '../fixtures/workspace';
import { lastErrorLine, longestQuoted, storedRuns } from './hostileCli';

const ws = makeWorkspace();
after(() => ws.cleanup());

/** Writes `data/<name>.csv` (unless `content` is undefined) and a config training on `data.path`. */
function setup(name: string, content: string | Buffer | undefined, opts: { path?: string; target?: string; extra?: string } = {}): string {
  if (content !== undefined) writeFileSync(join(ws.dir, 'data', `${name}.csv`), content);
  const config = `${name}.train.yaml`;
  ws.write(config, [
    'experiment: hostile-csv',
    'data:',
    `  path: ${opts.path ?? `data/${name}.csv`}`,
    `  target: ${opts.target ?? 'y'}`,
    ...(opts.extra ? [opts.extra] : []),
    'model:',
    '  type: decision_tree',
    '',
  ].join('\n'));
  return config;
}

/** Trains `config` and checks the failure: exit 1, the exact last line, and the run failed with that line as its error. */
function expectDataError(config: string, line: string): void {
  const before = storedRuns(ws.dir).length;
  const r = runCli(ws.dir, ['train', config]);
  assert.equal(lastErrorLine(r), line, r.stderr);
  assert.equal(r.code, 1);
  const runs = storedRuns(ws.dir);
  assert.equal(runs.length, before + 1, 'one run recorded');
  assert.deepEqual(runs.at(-1), { status: 'failed', error: line.replace(/^error: /, '') });
}

/** A config error: exit 1, the exact line, and no run created at all. */
function expectConfigError(config: string, line: string): void {
  const before = storedRuns(ws.dir).length;
  const r = runCli(ws.dir, ['train', config]);
  assert.equal(lastErrorLine(r), line, r.stderr);
  assert.equal(r.code, 1);
  assert.equal(storedRuns(ws.dir).length, before, 'no run created');
}

function expectTrains(config: string): void {
  const r = runCli(ws.dir, ['train', config]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(storedRuns(ws.dir).at(-1)?.status, 'finished');
}

const NUL_LINE = 'NUL byte: this is not a text CSV file (binary data, or text saved as UTF-16/UTF-32); save it as UTF-8';

describe('hostile CSV files', () => {
  test('an empty file', () => {
    expectDataError(setup('empty', ''), 'error: data/empty.csv:1: the file is empty (no header row)');
  });

  test('a header and no rows', () => {
    expectDataError(setup('header', 'a,b,y\n'), 'error: data/header.csv:1: header only, no data rows (columns: a, b, y)');
  });

  test('a ragged row', () => {
    expectDataError(setup('ragged', 'a,b,y\n1,2,0\n1,2\n3,4,1\n'), 'error: data/ragged.csv:3:3 (column "y"): row has 2 fields, expected 3 (a, b, y)');
  });

  test('an unterminated quote', () => {
    expectDataError(setup('unterm', 'a,b,y\n1,"2,0\n1,2,1\n'),
      'error: data/unterm.csv:2:2 (column "b"): unterminated quoted field: the quote opened here is never closed');
  });

  test('UTF-16 with a byte order mark', () => {
    expectDataError(setup('utf16', Buffer.from('\ufeffa,y\n1,0\n2,1\n', 'utf16le')), 'error: data/utf16.csv:1: the file is UTF-16; save it as UTF-8');
  });

  test('UTF-16 without a byte order mark: the NUL bytes give it away', () => {
    expectDataError(setup('utf16nobom', Buffer.from('a,y\n1,0\n2,1\n', 'utf16le')), `error: data/utf16nobom.csv:1:1: ${NUL_LINE}`);
  });

  test('a UTF-8 byte order mark is skipped: the first column is "a", not "\\ufeffa"', () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${i},${i % 2}`).join('\n');
    expectTrains(setup('bom8', `\ufeffa,y\n${rows}\n`, { extra: '  features: { include: [a] }' }));
  });

  test('a NUL byte in a cell', () => {
    expectDataError(setup('nul', Buffer.from('a,b,y\n1,2,0\n3,\0,1\n')), `error: data/nul.csv:3:2: ${NUL_LINE}`);
  });

  test('binary garbage (a PNG)', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0]);
    expectDataError(setup('png', png), `error: data/png.csv:3:1: ${NUL_LINE}`);
  });

  test('control characters and invalid UTF-8 in the header are escaped and cut in the message', () => {
    const header = Buffer.concat([Buffer.from('\x1b[31m' + 'x'.repeat(60) + '\x07,'), Buffer.from([0xc3, 0x28]), Buffer.from('\n1,2\n')]);
    expectDataError(setup('ansi', header),
      'error: data/ansi.csv: target column "y" not found; the columns are: "\\u001b[31mxxxxxxxxxxxxxxxxxxxxxxxxxxx...", \ufffd(');
  });

  const infRows = ['a,b,y', '1,2,0', '2,3,1', '3,4,0', '4,5,1', '5,inf,0', '6,2,1', '-Infinity,1,0', '7,1e400,1'];
  for (let i = 0; i < 40; i++) infRows.push(`${i},${i % 5},${i % 2}`);

  test('inf, -Infinity and 1e400: an error at the first one\'s line and column', () => {
    expectDataError(setup('inf', `${infRows.join('\n')}\n`),
      'error: data/inf.csv:6:2 (column "b"): Infinity is not a usable value (inf, Infinity, or a number too large for a double such as 1e400); ' +
      'set data.clean.infinite to drop, clip or missing');
  });

  test('inf with clean: { infinite: drop } trains on the other rows, and records the setting', () => {
    expectTrains(setup('infdrop', `${infRows.join('\n')}\n`, { extra: '  clean: { infinite: drop }' }));
    const show = runCli(ws.dir, ['runs', '--json']);
    assert.equal(show.code, 0, show.stderr);
    const runs = JSON.parse(show.stdout) as { params?: Record<string, unknown>; status: string }[];
    assert.ok(runs.some((r) => r.status === 'finished' && r.params?.['clean.infinite'] === 'drop'), show.stdout.slice(0, 500));
  });

  test('NaN text is a missing value, filled like any other', () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${i % 7 === 3 ? 'NaN' : i},${i % 2}`).join('\n');
    expectTrains(setup('nan', `a,y\n${rows}\n`, { extra: '  clean: { missing: median }' }));
  });

  test('a categorical column of 100,000 distinct values is refused before encoding, naming it', () => {
    const lines = ['session,n,y'];
    for (let i = 0; i < 100_000; i++) lines.push(`s${i},${i % 13},${i % 2}`);
    expectDataError(setup('sessions', `${lines.join('\n')}\n`),
      'error: data/sessions.csv: column "session" has 100,000 distinct values, more than data.features.max_categories (1,000): ' +
      'exclude it (data.features.exclude) or give it as a numeric feature');
  });

  test('a target with one class', () => {
    expectDataError(setup('oneclass', 'a,y\n1,0\n2,0\n3,0\n4,0\n'),
      'error: data/oneclass.csv (column "y"): the target has only one class ("0"); classification needs at least two');
  });

  test('the target column missing', () => {
    expectDataError(setup('notarget', 'a,b\n1,2\n3,4\n'), 'error: data/notarget.csv: target column "y" not found; the columns are: a, b');
  });

  test('a duplicate header', () => {
    expectDataError(setup('dup', 'a,a,y\n1,2,0\n3,4,1\n'), 'error: data/dup.csv:1:2 (column "a"): duplicate column name "a" (columns 1 and 2)');
  });

  test('a symlink loop says so, naming the path', () => {
    symlinkSync('loop2', join(ws.dir, 'data', 'loop1'));
    symlinkSync('loop1', join(ws.dir, 'data', 'loop2'));
    expectConfigError(setup('loop', undefined, { path: 'data/loop1' }),
      `${join(ws.dir, 'loop.train.yaml')}:3:9: data.path "data/loop1" is a symlink loop (${join(ws.dir, 'data', 'loop1')} leads back to itself)`);
  });

  test('a directory in place of the file', () => {
    mkdirSync(join(ws.dir, 'data', 'folder.csv'));
    expectConfigError(setup('folder', undefined, { path: 'data/folder.csv' }),
      `${join(ws.dir, 'folder.train.yaml')}:3:9: data.path "data/folder.csv" is a folder, not a file (${join(ws.dir, 'data', 'folder.csv')})`);
  });

  test('a device in place of the file is refused before anything reads it', () => {
    expectConfigError(setup('device', undefined, { path: '/dev/zero' }),
      `${join(ws.dir, 'device.train.yaml')}:3:9: data.path "/dev/zero" is not a regular file: a device, pipe or socket (/dev/zero)`);
  });

  test('an absolute path to a system file: the run fails quoting at most 40 characters of it', () => {
    const r = runCli(ws.dir, ['train', setup('passwd', undefined, { path: '/etc/passwd' })]);
    assert.equal(r.code, 1);
    const line = lastErrorLine(r);
    assert.match(line, /^error: \/etc\/passwd(:\d+(:\d+)?)?( \(column [^)]*\))?: /);
    const stored = storedRuns(ws.dir).at(-1);
    assert.deepEqual(stored, { status: 'failed', error: line.replace(/^error: /, '') });
    const content = readFileSync('/etc/passwd', 'utf8');
    assert.ok(longestQuoted(line.replace(/^error: \/etc\/passwd/, ''), content) <= 40, line);
  });

  test('no run is left running', () => {
    const running = storedRuns(ws.dir).filter((r) => r.status === 'running' || r.status === 'queued');
    assert.deepEqual(running, []);
  });
});
