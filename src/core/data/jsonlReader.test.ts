import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { parseJsonl, readJsonl } from './jsonlReader';
import { parseCsvText } from './csvReader';
import { CsvError } from './dataError';
import { fingerprintFrame } from './fingerprint';
import { assertNumericColumnsClean } from './csvColumns';

test('JSON values are read as CSV cells: types, nulls, absent keys, quoted numbers, yes/no', () => {
  const text = [
    '{"x": 1.5, "flag": "yes", "city": "Oslo", "n": "3"}',
    '',
    '{"x": null, "flag": "no", "city": "NA", "n": 4}',
    '{"flag": "yes", "city": "Lima", "n": 5, "late": true}',
  ].join('\n');
  const frame = parseJsonl(text, 'logs/a.jsonl');
  assert.equal(frame.rows, 3);
  assert.deepEqual(frame.columns.map((c) => [c.name, c.type]), [
    ['x', 'numeric'], ['flag', 'boolean'], ['city', 'categorical'], ['n', 'numeric'], ['late', 'boolean'],
  ]);
  assert.deepEqual([...(frame.columns[0].values as Float64Array)], [1.5, NaN, NaN]);
  assert.deepEqual([...(frame.columns[1].values as Float64Array)], [1, 0, 1]);
  assert.deepEqual(frame.columns[2].values, ['Oslo', null, 'Lima']);
  assert.deepEqual([...(frame.columns[3].values as Float64Array)], [3, 4, 5]);
  assert.deepEqual([...(frame.columns[4].values as Float64Array)], [NaN, NaN, 1]);
  // Blank line 2 is skipped; rows keep their physical lines.
  assert.deepEqual([...frame.lines], [1, 3, 4]);
});

test('a JSON Lines file and the CSV of the same values give the same fingerprint statistics and labels', () => {
  const jsonl = parseJsonl('{"a": 1, "b": "x", "y": "yes"}\n{"a": 2.5, "b": null, "y": "no"}\n{"a": null, "b": "z", "y": "yes"}\n', 'a.jsonl');
  const csv = parseCsvText('a,b,y\n1,x,yes\n2.5,,no\n,z,yes\n', 'a.csv');
  const strip = (f: ReturnType<typeof fingerprintFrame>) => ({ ...f, sha256: '' });
  assert.deepEqual(strip(fingerprintFrame(jsonl, 'j')), strip(fingerprintFrame(csv, 'c')));
  const yj = jsonl.columns[2];
  const yc = csv.columns[2];
  assert.ok(yj.type === 'boolean' && yc.type === 'boolean');
  assert.deepEqual(yj.texts?.words, yc.texts?.words);
});

test('a nested value is refused at its line and column', () => {
  assert.throws(() => parseJsonl('{"a": 1}\n{"a": 2, "meta": {"k": 1}}\n', 'logs/b.jsonl'), (e: unknown) => {
    assert.ok(e instanceof CsvError);
    assert.equal(e.line, 2);
    assert.equal(e.message, 'logs/b.jsonl:2:2 (column "meta"): a nested value (an object); RunLens reads flat records: flatten its fields into keys of their own');
    return true;
  });
  assert.throws(() => parseJsonl('{"a": [1, 2]}\n', 'c.jsonl'), /^CsvError: c\.jsonl:1:1 \(column "a"\): a nested value \(an array\)|c\.jsonl:1:1 \(column "a"\): a nested value \(an array\)/);
});

test('a line that is not JSON, or not an object, names its line', () => {
  assert.throws(() => parseJsonl('{"a": 1}\n{"a": 2,\n', 'd.jsonl'), (e: unknown) => e instanceof CsvError && e.line === 2 && /^d\.jsonl:2: not valid JSON/.test(e.message));
  assert.throws(() => parseJsonl('{"a": 1}\r\n\r\n[1, 2]\r\n', 'e.jsonl'), (e: unknown) => e instanceof CsvError && e.message === 'e.jsonl:3: a line must hold one JSON object ({"column": value, …}); found an array');
  assert.throws(() => parseJsonl('\n\n', 'f.jsonl'), /f\.jsonl: no records/);
});

test('a numeric column with one stray text is reported at its line once used, as in CSV', () => {
  const frame = parseJsonl('{"v": 1}\n{"v": 2}\n{"v": 3}\n{"v": "oops"}\n{"v": 5}\n', 'g.jsonl');
  assert.equal(frame.inferredTypes.v, 'mostly-numeric');
  assert.throws(() => assertNumericColumnsClean(frame, ['v']), (e: unknown) => e instanceof CsvError && e.line === 4 && /not a number: "oops"/.test(e.message));
});

test('readJsonl hashes the bytes and names the file when it cannot be read', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-jsonl-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'a.jsonl');
  writeFileSync(file, '{"a": 1}\n');
  assert.equal(readJsonl(file).sha256, createHash('sha256').update('{"a": 1}\n').digest('hex'));
  assert.throws(() => readJsonl(join(dir, 'none.jsonl'), 'none.jsonl'), /none\.jsonl: file not found/);
});
