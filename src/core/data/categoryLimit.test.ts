import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsvText } from './csvReader';
import { checkCategoryCounts } from './categoryLimit';

function csv(rows: number, cell: (i: number) => string): string {
  return `session,n,y\n${Array.from({ length: rows }, (_, i) => `${cell(i)},${i},${i % 2}`).join('\n')}\n`;
}

test('a column with more distinct values than max_categories is refused, naming it and the count', () => {
  const frame = parseCsvText(csv(3000, (i) => `s${i}`), 'data/x.csv');
  assert.throws(() => checkCategoryCounts(frame, ['session', 'n'], undefined, true), (e: Error) => e.message ===
    'data/x.csv: column "session" has 3,000 distinct values, more than data.features.max_categories (1,000): ' +
    'exclude it (data.features.exclude) or give it as a numeric feature');
  assert.throws(() => checkCategoryCounts(frame, ['session'], { max_categories: 10 }, true), /has 3,000 distinct values, more than data\.features\.max_categories \(10\)/);
  assert.doesNotThrow(() => checkCategoryCounts(frame, ['session'], { max_categories: 5000 }, true), 'an explicit limit lifts the half-rows rule');
  assert.doesNotThrow(() => checkCategoryCounts(frame, ['n'], undefined, true), 'numeric columns are not counted');
});

test('under the default, more than half the rows distinct is an id; a few categories in a small file pass', () => {
  const ids = parseCsvText(csv(200, (i) => `u${i % 150}`), 'ids.csv');
  assert.throws(() => checkCategoryCounts(ids, ['session'], undefined, true), (e: Error) => e.message ===
    'ids.csv: column "session" has 150 distinct values, in 200 rows: more than half the rows are distinct, as in an id or free text: ' +
    'exclude it (data.features.exclude) or give it as a numeric feature, or set data.features.max_categories to allow it');
  const small = parseCsvText(csv(10, (i) => `c${i}`), 'small.csv');
  assert.doesNotThrow(() => checkCategoryCounts(small, ['session'], undefined, true));
});

test('counting stops far over the limit (at 100 times it, at least 100,000) and says "more than"', () => {
  const frame = parseCsvText(csv(100_050, (i) => `s${i}`), 'big.csv');
  assert.throws(() => checkCategoryCounts(frame, ['session'], undefined, true),
    /^CsvError: big\.csv: column "session" has more than 100,000 distinct values, more than data\.features\.max_categories \(1,000\)/);
  assert.throws(() => checkCategoryCounts(frame, ['session'], { max_categories: 2000 }, true), /has 100,050 distinct values, more than data\.features\.max_categories \(2,000\)/);
});
