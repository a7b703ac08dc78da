import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { parseCsvText, readCsv } from './csvReader';
import { inferTask } from './taskInference';
import { CsvError } from './dataError';

function task(values: (string | number)[]): string {
  return inferTask(parseCsvText(`y\n${values.join('\n')}\n`, 't.csv'), 'y');
}

test('text and boolean targets are classification', () => {
  assert.equal(task(['a', 'b', 'a']), 'classification');
  assert.equal(task(['yes', 'no', 'yes']), 'classification');
});

test('any non-integer value makes a numeric target regression', () => {
  assert.equal(task([0, 1, 0.5, 1, 0, 1]), 'regression');
  assert.equal(task([1.5, 2.5, 1.5, 2.5]), 'regression');
});

test('integer targets: few distinct values (<= 20, <= half the rows) are classes', () => {
  assert.equal(task([0, 1, 2, 0, 1, 2]), 'classification');
  const twenty = Array.from({ length: 100 }, (_, i) => i % 20);
  assert.equal(task(twenty), 'classification');
  const twentyOne = Array.from({ length: 100 }, (_, i) => i % 21);
  assert.equal(task(twentyOne), 'regression');
  // Mostly unique integers are measurements, not labels.
  assert.equal(task([3, 7, 12, 25, 30]), 'regression');
  // Missing values are ignored.
  assert.equal(task([1, 'NA', 0, '', 1, 0]), 'classification');
});

test('the example datasets: iris, wine and breast cancer classify, diabetes regresses', async () => {
  const dir = path.join(__dirname, '..', '..', '..', 'examples', 'data');
  const cases = { 'iris.csv': 'species', 'wine.csv': 'cultivar', 'breast_cancer.csv': 'diagnosis', 'diabetes.csv': 'progression' };
  const got = await Promise.all(Object.entries(cases).map(async ([f, t]) => inferTask(await readCsv(path.join(dir, f)), t)));
  assert.deepEqual(got, ['classification', 'classification', 'classification', 'regression']);
});

test('a missing target column is a CsvError listing the columns', () => {
  assert.throws(() => inferTask(parseCsvText('a,b\n1,2\n', 'x.csv'), 'y'),
    (e: unknown) => e instanceof CsvError && e.message === 'x.csv: target column "y" not found; the columns are: a, b');
});
