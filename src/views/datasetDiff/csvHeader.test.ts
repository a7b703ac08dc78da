import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { readCsv } from '../../core/data/csvReader';
import { diffCsvFiles } from '../../core/datasetDiff/diffFiles';
import { tempDir } from '../../store/testing/tempStore';
import { readCsvHeader } from './csvHeader';

function write(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

test('readCsvHeader: BOM, sniffed delimiter, quoted names with delimiters and markup, empty files', (t) => {
  const dir = tempDir(t);
  const semi = write(dir, 'semi.csv', '\ufeff"a;1";b;"<img src=x onerror=alert(1)>"\n1;2;3\n');
  assert.deepEqual(readCsvHeader(semi), ['a;1', 'b', '<img src=x onerror=alert(1)>']);
  const tab = write(dir, 'tab.tsv', 'x\ty\n1\t2\n');
  assert.deepEqual(readCsvHeader(tab), ['x', 'y']);
  const headerOnly = write(dir, 'header-only.csv', 'p,q');
  assert.deepEqual(readCsvHeader(headerOnly), ['p', 'q']);
  const empty = write(dir, 'empty.csv', '');
  assert.throws(() => readCsvHeader(empty, 'empty.csv'), { message: 'empty.csv:1: the file is empty (no header row)' });
  assert.throws(() => readCsvHeader(path.join(dir, 'none.csv'), 'none.csv'), { message: 'none.csv: file not found' });
  const dup = write(dir, 'dup.csv', 'id,v,v\n1,2,3\n');
  assert.throws(() => readCsvHeader(dup, 'dup.csv'), /dup\.csv:1:3 .*duplicate column name "v"/);
});

test('the key picker reads the header as the diff and the whole-file reader do: quoted comma, escaped quote, line break, spaces, empty name', async (t) => {
  const dir = tempDir(t);
  const header = '"id","a,b","say ""hi""","two\nlines", padded ,\n';
  const a = write(dir, 'a.csv', header + '1,x,"q""1",l1,p1,e1\n2,y,q2,l2,p2,e2\n');
  const b = write(dir, 'b.csv', header + '1,x,"q""1",l1,p1,e1\n2,z,q2,l2,p2,e2\n');
  const expected = ['id', 'a,b', 'say "hi"', 'two\nlines', 'padded', 'Unnamed: 5'];
  const picked = readCsvHeader(a);
  assert.deepEqual(picked, expected);
  const frame = await readCsv(a);
  assert.deepEqual(frame.columns.map((c) => c.name), picked, 'the whole-file reader (training, fingerprints) names the columns the same');
  // Keys picked from the header are keys the diff accepts.
  const diff = await diffCsvFiles(a, b, { key: [picked[0]!, picked[2]!], workers: 'never' });
  t.after(() => diff.dispose());
  assert.deepEqual(diff.columns, picked, 'the diff engine names the columns the same');
  assert.equal(diff.diff.rows.modified, 1);
  assert.deepEqual((await diff.page(0, 5)).rows[0]?.changes, [{ column: 'a,b', before: 'y', after: 'z' }]);
});

test('a header longer than the first read is read whole, as the whole-file reader reads it', async (t) => {
  const dir = tempDir(t);
  const names = Array.from({ length: 12_000 }, (_, i) => `column "${i}", long`);
  const file = write(dir, 'wide.csv', names.map((n) => `"${n.replaceAll('"', '""')}"`).join(',') + '\n' + names.map((_, i) => i).join(',') + '\n');
  assert.ok(fs.statSync(file).size > 256 * 1024, 'several reads');
  const header = readCsvHeader(file);
  assert.deepEqual(header, names);
  assert.deepEqual((await readCsv(file)).columns.map((c) => c.name), header);
});
