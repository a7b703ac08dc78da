/**
 * Issue #14: on iris with an `id` column, a diff flagged the key as a
 * "moderate" shift while a real label change (a new category `setosa_typo`,
 * 20 more `virginica`) showed "no shift". Key and ID-like columns are not
 * drift-tested; new and vanished categories count. Both engines (in memory
 * and streaming) and the CLI, on the real iris file.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runCli } from '../../../test/fixtures/workspace';
import { diffCsv } from './datasetDiff';
import { diffCsvFiles } from './diffFiles';
import { isIdLikeNumbers } from './idColumns';
import type { DatasetDiff } from './types';

const dir = mkdtempSync(join(tmpdir(), 'runlens-iddrift-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const [header, ...rows] = readFileSync(join(REPO_ROOT, 'examples', 'data', 'iris.csv'), 'utf8').trim().split('\n');
const withId = (lines: string[]) => [`id,${header}`, ...lines.map((l, i) => `${i + 1},${l}`)].join('\n') + '\n';
const A = join(dir, 'a.csv');
const B = join(dir, 'b.csv');
writeFileSync(A, withId(rows));
const typo = rows.map((l, i) => (i === 3 ? l.replace(/setosa$/, 'setosa_typo') : l));
writeFileSync(B, withId([...typo, ...rows.filter((l) => l.endsWith('virginica')).slice(0, 20)]));

async function bothEngines(key?: string[]): Promise<DatasetDiff[]> {
  const streamed = await diffCsvFiles(A, B, key ? { key } : {});
  try {
    return [await diffCsv(A, B, key ? { key } : {}), streamed.diff];
  } finally {
    streamed.dispose();
  }
}

test('iris: the key is not drift-tested; the new label category makes species drift', async () => {
  for (const d of await bothEngines(['id'])) {
    assert.deepEqual(d.driftSkipped, [{ column: 'id', reason: 'key' }]);
    assert.equal(d.drift.find((x) => x.column === 'id'), undefined);
    const species = d.drift.find((x) => x.column === 'species')!;
    assert.equal(species.verdict, 'moderate');
    assert.deepEqual(species.categories, { added: ['setosa_typo'], removed: [], addedCount: 1, removedCount: 0 });
    assert.equal(species.psi.verdict, 'none', 'PSI alone calls this no shift: the category rule is what flags it');
    assert.deepEqual(d.drift.filter((x) => x.verdict !== 'none').map((x) => x.column), ['species']);
  }
});

test('without a key, a unique-per-row integer column is ID-like and skipped; an integer column with repeats is tested', async () => {
  for (const d of await bothEngines()) {
    assert.deepEqual(d.driftSkipped, [{ column: 'id', reason: 'id-like' }]);
    assert.ok(d.drift.some((x) => x.column === 'sepal_length'));
  }
  const codes = (n: number, f: (i: number) => string) => ['code,v', ...Array.from({ length: n }, (_, i) => `${f(i)},${i % 3}`)].join('\n') + '\n';
  writeFileSync(join(dir, 'c.csv'), codes(40, (i) => String(i % 10)));
  writeFileSync(join(dir, 'd.csv'), codes(40, (i) => String(i % 10 + 5)));
  const d = await diffCsv(join(dir, 'c.csv'), join(dir, 'd.csv'));
  assert.deepEqual(d.driftSkipped, []);
  assert.equal(d.drift.find((x) => x.column === 'code')?.verdict, 'large');
});

test('a unique-per-row text column (order ids) is ID-like; a vanished category counts as drift', async () => {
  const orders = (ids: string[], kinds: string[]) => ['order,kind', ...ids.map((id, i) => `${id},${kinds[i % kinds.length]}`)].join('\n') + '\n';
  const ids = Array.from({ length: 30 }, (_, i) => `ord-${1000 + i}`);
  writeFileSync(join(dir, 'e.csv'), orders(ids, ['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c', 'd']));
  writeFileSync(join(dir, 'f.csv'), orders(ids.map((x) => `${x}x`), ['a', 'b', 'c']));
  const d = await diffCsv(join(dir, 'e.csv'), join(dir, 'f.csv'));
  assert.deepEqual(d.driftSkipped, [{ column: 'order', reason: 'id-like' }]);
  const kind = d.drift.find((x) => x.column === 'kind')!;
  assert.deepEqual(kind.categories, { added: [], removed: ['d'], addedCount: 0, removedCount: 1 });
  assert.notEqual(kind.verdict, 'none');
});

test('runlens diff prints the new category and no drift line for the key', () => {
  const r = runCli(dir, ['diff', A, B, '--key', 'id']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^ {2}species: moderate shift \(PSI 0\.05\d+, Cramér's V 0\.0\d+; new category "setosa_typo"\)$/m);
  assert.doesNotMatch(r.stdout, /^ {2}id: /m);
});

test('ID-like numbers are packed like row numbers; unique amounts spread over a wide range stay tested', () => {
  const seq = (n: number, f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));
  assert.equal(isIdLikeNumbers(seq(100, (i) => i + 1), seq(120, (i) => i + 1)), true);
  assert.equal(isIdLikeNumbers(seq(100, (i) => 1000 + 7 * i), seq(100, (i) => 1003 + 7 * i)), false, 'cents: unique but spread');
  assert.equal(isIdLikeNumbers(seq(100, (i) => i + 0.5), seq(100, (i) => i + 0.5)), false, 'not whole numbers');
  assert.equal(isIdLikeNumbers(seq(10, (i) => i), seq(10, (i) => i)), false, 'too few to tell');
  // A 50,000-row sample of a 1,000,000-row id column: unique, and packed relative to the whole column.
  assert.equal(isIdLikeNumbers(seq(50_000, (i) => i * 20), seq(50_000, (i) => i * 20 + 1), 1_000_000, 1_000_000), true);
});
