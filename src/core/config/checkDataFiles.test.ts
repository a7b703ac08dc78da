import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkDataFiles } from './checkDataFiles';
import type { FileProbe } from './checkDataFiles';
import { parseConfigText } from './parseConfig';

function withDir(fn: (dir: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-'));
  try {
    fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('existing files relative to the config folder pass', () => {
  withDir((dir) => {
    fs.writeFileSync(path.join(dir, 'train.csv'), 'a\n');
    fs.writeFileSync(path.join(dir, 'test.csv'), 'a\n');
    fs.mkdirSync(path.join(dir, 'scripts'));
    assert.deepEqual(checkDataFiles({ data: { train: 'train.csv', test: 'test.csv', target: 'a' }, cwd: 'scripts' }, dir), []);
  });
});

test('a missing file names the absolute path looked for', () => {
  withDir((dir) => {
    const d = checkDataFiles({ data: { path: '../elsewhere/iris.csv', target: 'y' } }, dir);
    const abs = path.resolve(dir, '../elsewhere/iris.csv');
    assert.deepEqual(d.map((x) => [x.message, x.path, x.line]), [[`data.path "../elsewhere/iris.csv" not found (looked for ${abs})`, '/data/path', 0]]);
  });
});

test('an absolute path is used as is; a folder is not a data file, a file is not a cwd', () => {
  withDir((dir) => {
    fs.writeFileSync(path.join(dir, 'run.sh'), '');
    assert.deepEqual(checkDataFiles({ data: { path: dir, target: 'y' } }, '/nowhere').map((x) => x.message), [
      `data.path "${dir}" is a folder, not a file (${dir})`,
    ]);
    assert.deepEqual(checkDataFiles({ command: 'x', cwd: 'run.sh' }, dir).map((x) => x.message), [
      `cwd "run.sh" is a file, not a folder (${path.join(dir, 'run.sh')})`,
    ]);
    assert.deepEqual(checkDataFiles({ command: 'x', cwd: 'nope' }, dir).map((x) => x.message), [
      `cwd "nope" not found (looked for ${path.join(dir, 'nope')})`,
    ]);
  });
});

test('with a locator from parseConfigText the diagnostics get positions', () => {
  const text = 'data:\n  train: a.csv\n  test: "b.csv"\n  target: y\nmodel: { type: mlp }\n';
  const parsed = parseConfigText(text, '/proj/x.train.yaml');
  assert.ok(parsed.config && parsed.locate);
  const probe: FileProbe = {
    existsSync: (p) => p === '/proj/a.csv',
    statSync: () => ({ isDirectory: () => false }),
  };
  const d = checkDataFiles(parsed.config, '/proj', probe, parsed.locate);
  assert.deepEqual(d.map((x) => [x.line, x.column, x.endLine, x.endColumn, x.message]), [
    [3, 9, 3, 16, 'data.test "b.csv" not found (looked for /proj/b.csv)'],
  ]);
});
