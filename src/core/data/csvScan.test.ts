import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RowScanner } from './csvScan';

/** Scans `body` (data rows only) with the given header, one region. */
function scan(header: string[], body: string): RowScanner {
  const s = new RowScanner(header, 44, 'test.csv', 2, 16);
  const buf = Buffer.from(body);
  s.scan(buf, 0, buf.length, 0);
  return s;
}

test('repeated short cells decode to the same text and kind every time (the recent-text cache)', () => {
  // 5,000 distinct words share 1,024 cache slots, so many collide; each still reads back as itself.
  const words = Array.from({ length: 5000 }, (_, i) => `w${i}`);
  const order = [...words, ...words.slice().reverse(), ...words];
  const s = scan(['t'], order.join('\n') + '\n');
  assert.equal(s.rows, order.length);
  const texts = s.texts[0] as string[];
  order.forEach((w, r) => assert.equal(texts[r], w));
  assert.equal(s.others[0], order.length);
});

test('cached cells keep their kind: missing markers, booleans, spaced numbers, text', () => {
  const cells = ['NA', 'yes', ' 7', 'no', 'N/A', 'text', ' 7', 'NA', 'yes', 'text'];
  const rows = [...cells, ...cells, ...cells];
  const s = scan(['c'], rows.join('\n') + '\n');
  const values = s.values[0];
  const texts = s.texts[0] as string[];
  rows.forEach((cell, r) => {
    if (cell === 'NA' || cell === 'N/A') assert.ok(Number.isNaN(values[r]) && texts[r] === undefined, `row ${r}`);
    else if (cell === ' 7') assert.ok(values[r] === 7 && texts[r] === undefined, `row ${r}`);
    else if (cell === 'yes' || cell === 'no') assert.ok(values[r] === (cell === 'yes' ? 1 : 0) && texts[r] === cell, `row ${r}`);
    else assert.ok(Number.isNaN(values[r]) && texts[r] === cell, `row ${r}`);
  });
  assert.deepEqual([s.missing[0], s.bools[0], s.others[0]], [9, 9, 6]);
});

test('a cell longer than the cache holds is read as usual', () => {
  const long = 'x'.repeat(40);
  const s = scan(['a', 'b'], `${long},1\n${long},2\n`);
  assert.deepEqual((s.texts[0] as string[]).slice(0, 2), [long, long]);
});
