import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readCsv, parseCsvText } from './csvReader';
import { fingerprintFile, fingerprintFrame, histogram } from './fingerprint';
import type { BooleanStats, CategoricalStats, NumericStats } from './fingerprint';

let dir: string;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const CSV = 'x,c,b\n1,a,yes\n2,b,no\n3,a,\nNA,,yes\n4,c,yes\ninf,a,no\n';

test('numeric stats: missing, infinite, min, max, mean, sample std, 20-bin histogram', () => {
  const fp = fingerprintFrame(parseCsvText(CSV, 'f.csv'), 'abc');
  const x = fp.stats[0] as NumericStats;
  // Finite values 1, 2, 3, 4: mean 2.5, sample variance 5/3.
  assert.deepEqual({ ...x, histogram: undefined }, {
    name: 'x', type: 'numeric', missing: 1, infinite: 1, min: 1, max: 4, mean: 2.5, std: Math.sqrt(5 / 3), histogram: undefined,
  });
  assert.equal(x.histogram.counts.length, 20);
  assert.equal(x.histogram.edges.length, 21);
  assert.deepEqual([x.histogram.edges[0], x.histogram.edges[10], x.histogram.edges[20]], [1, 2.5, 4]);
  // 1 → bin 0; 2 → bin 6 (2 is 1/3 of the way); 3 → bin 13; 4 (the max) → last bin.
  const nonzero = x.histogram.counts.map((c, i) => [i, c]).filter(([, c]) => c > 0);
  assert.deepEqual(nonzero, [[0, 1], [6, 1], [13, 1], [19, 1]]);
});

test('categorical and boolean stats', () => {
  const fp = fingerprintFrame(parseCsvText(CSV, 'f.csv'), 'abc');
  assert.deepEqual(fp.stats[1] as CategoricalStats, {
    name: 'c', type: 'categorical', missing: 1, distinct: 3, top: [{ value: 'a', count: 3 }, { value: 'b', count: 1 }, { value: 'c', count: 1 }],
  });
  assert.deepEqual(fp.stats[2] as BooleanStats, { name: 'b', type: 'boolean', missing: 1, true: 3, false: 2 });
  assert.deepEqual(fp.schema, [{ name: 'x', type: 'numeric' }, { name: 'c', type: 'categorical' }, { name: 'b', type: 'boolean' }]);
  assert.equal(fp.rows, 6);
  assert.equal(fp.columns, 3);
});

test('top categories: at most 10, by count then value', () => {
  const values = Array.from({ length: 15 }, (_, i) => `k${String(i).padStart(2, '0')}`);
  const rows = [...values, 'k14', 'k14', 'k07'];
  const fp = fingerprintFrame(parseCsvText(`c\n${rows.join('\n')}\n`, 'f.csv'), 's');
  const top = (fp.stats[0] as CategoricalStats).top;
  assert.equal(top.length, 10);
  assert.deepEqual(top.slice(0, 4), [{ value: 'k14', count: 3 }, { value: 'k07', count: 2 }, { value: 'k00', count: 1 }, { value: 'k01', count: 1 }]);
});

test('histogram matches numpy: a constant column spans v ± 0.5; all-missing gives nulls; JSON has no NaN', () => {
  assert.deepEqual(histogram(new Float64Array([5, 5]), 5, 5, 4), { edges: [4.5, 4.75, 5, 5.25, 5.5], counts: [0, 0, 2, 0] });
  const fp = fingerprintFrame(parseCsvText('x,y\nNA,1\n,2\n', 'f.csv'), 's');
  const x = fp.stats[0] as NumericStats;
  assert.deepEqual([x.min, x.max, x.mean, x.std, x.missing], [null, null, null, null, 2]);
  const y = fp.stats[1] as NumericStats;
  assert.equal(y.std, Math.SQRT1_2);
  const one = fingerprintFrame(parseCsvText('x\n3\n', 'f.csv'), 's').stats[0] as NumericStats;
  assert.equal(one.std, null);
  assert.deepEqual(JSON.parse(JSON.stringify(fp)), fp);
});

test('fingerprintFile is the sha256 of the bytes; the same content gives the same fingerprint anywhere', async () => {
  const a = path.join(dir, 'a.csv');
  fs.mkdirSync(path.join(dir, 'elsewhere'));
  const b = path.join(dir, 'elsewhere', 'b.csv');
  fs.writeFileSync(a, 'a\n1\n');
  fs.writeFileSync(b, 'a\n1\n');
  assert.equal(await fingerprintFile(a), '309b0e45a73d3fc5325e2b6ed0a01ef8b9cde6b05a5633c1f893f970d52bfddc');
  const fa = fingerprintFrame(await readCsv(a), await fingerprintFile(a));
  const fb = fingerprintFrame(await readCsv(b), await fingerprintFile(b));
  assert.deepEqual(fa, fb);
  fs.writeFileSync(b, 'a\n2\n');
  const fc = fingerprintFrame(await readCsv(b), await fingerprintFile(b));
  assert.notEqual(fc.sha256, fa.sha256);
  assert.notDeepEqual(fc.stats, fa.stats);
  await assert.rejects(fingerprintFile(path.join(dir, 'none.csv')), /ENOENT/);
});
