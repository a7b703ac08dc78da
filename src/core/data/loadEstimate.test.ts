import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkLoadFits, estimateLoad } from './loadEstimate';
import { prepareData } from './prepareData';

let dir: string;
/** 200,000 rows: an id of unique text, a category of three words, a number, a 0/1 target (about 6 MB). */
const ROWS = 200_000;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-est-'));
  const lines = ['id,colour,n,y'];
  for (let i = 0; i < ROWS; i++) lines.push(`u${(i * 7919).toString(36)},${['red', 'green', 'blue'][i % 3]},${i / 7},${i % 2}`);
  fs.writeFileSync(path.join(dir, 'big.csv'), `${lines.join('\n')}\n`);
  fs.writeFileSync(path.join(dir, 'small.csv'), 'a,y\n1,0\n2,1\n');
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('rows are estimated from the first megabyte within a few percent; unique text costs more heap than a few repeated words', () => {
  const e = estimateLoad(path.join(dir, 'big.csv'));
  assert.ok(e);
  assert.ok(Math.abs(e.rows - ROWS) / ROWS < 0.05, `estimated ${e.rows} rows`);
  assert.deepEqual([e.columns, e.textColumns], [4, 2]);
  // The id: a new string and a counts entry per row; the colour: three shared strings.
  assert.ok(e.heapBytes > ROWS * 100 && e.heapBytes < ROWS * 200, `heap ${e.heapBytes}`);
  assert.ok(e.totalBytes > e.heapBytes);
  assert.equal(estimateLoad(path.join(dir, 'small.csv')), undefined, 'a file within the sample needs no estimate');
});

test('a file over the heap or the memory left is refused in one line naming it, its size, the estimate and what to do', () => {
  const e = { fileBytes: 1.15 * 2 ** 30, rows: 34_900_000, columns: 3, textColumns: 3, heapBytes: 7.5 * 2 ** 30, totalBytes: 9 * 2 ** 30 };
  assert.throws(() => checkLoadFits('data/big.csv', e, { heapBytes: 4 * 2 ** 30, systemBytes: 20 * 2 ** 30 }), (err: Error) => err.message ===
    'data/big.csv is 1.1 GB (about 34,900,000 rows of 3 columns, 3 of text): loading and training on it needs about 7.5 GB, ' +
    'more than the 4.0 GB left under the JavaScript heap limit: train on a sample of the rows, or raise the limit with NODE_OPTIONS=--max-old-space-size=<MB>');
  assert.throws(() => checkLoadFits('data/big.csv', e, { heapBytes: 16 * 2 ** 30, systemBytes: 8 * 2 ** 30 }),
    /needs about 9\.0 GB, more than the 8\.0 GB of memory available: train on a sample of the rows, or on a machine with more memory$/);
  assert.doesNotThrow(() => checkLoadFits('data/big.csv', e, { heapBytes: 16 * 2 ** 30, systemBytes: 16 * 2 ** 30 }));
});

test('prepareData refuses before reading when the estimate does not fit, and reports the estimate first', async () => {
  const told: string[] = [];
  await assert.rejects(prepareData({ path: 'big.csv', target: 'y' }, dir, {
    memory: { heapBytes: 1024 * 1024, systemBytes: 2 ** 40 },
    onEstimate: (file) => told.push(file),
  }), /^DataError: big\.csv is \d MB \(about 2\d\d,\d\d\d rows of 4 columns, 2 of text\): loading and training on it needs about \d+ MB, more than the 1 MB left under the JavaScript heap limit/);
  assert.deepEqual(told, ['big.csv']);
  const p = await prepareData({ path: 'big.csv', target: 'y', features: { exclude: ['id'] } }, dir, { memory: 'unchecked' });
  assert.equal(p.Xtrain.rows + p.Xtest.rows, ROWS);
});
