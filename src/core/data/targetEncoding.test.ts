import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsvText } from './csvReader';
import { columnByName } from './frame';
import { labelColumn, labelsOf } from './targetEncoding';

test('a boolean column keeps its words as labels: as written, missing stays missing, 0/1 stays numeric', () => {
  const frame = parseCsvText('a,b,n\nyes,True,0\nno,False,1\nNA,TRUE,1\nyes,False,0\n', 'x.csv');
  const a = columnByName(frame, 'a')!;
  assert.equal(a.type, 'boolean', 'the reader still infers booleans (features use 0/1)');
  assert.deepEqual(labelColumn(a).values, ['yes', 'no', null, 'yes']);
  assert.deepEqual(labelsOf(labelColumn(a), true), ['no', 'yes']);
  assert.deepEqual(labelsOf(labelColumn(columnByName(frame, 'b')!), true), ['False', 'TRUE', 'True']);
  const n = columnByName(frame, 'n')!;
  assert.equal(labelColumn(n), n);
  assert.deepEqual(labelsOf(n, true), [0, 1]);
});

test('a column with more than 255 spellings of true/false falls back to "true"/"false"', () => {
  // Every upper/lower-case mix of the four words (60), each with six paddings: 360 spellings.
  const cases = (w: string): string[] => Array.from({ length: 2 ** w.length }, (_, m) => [...w].map((ch, i) => ((m >> i) & 1 ? ch.toUpperCase() : ch)).join(''));
  const words = ['true', 'false', 'yes', 'no'].flatMap(cases);
  const rows = ['', ' ', '  '].flatMap((pre) => ['', ' '].flatMap((post) => words.map((w) => `${pre}${w}${post}`)));
  assert.ok(rows.length > 255, `${rows.length} spellings`);
  const col = columnByName(parseCsvText(`t\n${rows.map((r) => `"${r}"`).join('\n')}\n`, 'x.csv'), 't')!;
  assert.equal(col.type, 'boolean');
  assert.deepEqual(labelsOf(labelColumn(col), true), [false, true]);
});
