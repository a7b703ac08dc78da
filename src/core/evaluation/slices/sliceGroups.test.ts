import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame } from '../../data/frame';
import { DataError } from '../../data/dataError';
import { checkSliceColumns, groupRows, MAX_SLICE_GROUPS, sliceSpecs } from './sliceGroups';

const labelsPerRow = (g: ReturnType<typeof groupRows>) => Array.from(g.groupOf, (i) => g.labels[i]);

test('specs: a name or { column, bins }', () => {
  assert.deepEqual(sliceSpecs(['sex', { column: 'age', bins: 4 }, { column: 'x' }]), [{ column: 'sex' }, { column: 'age', bins: 4 }, { column: 'x' }]);
  assert.deepEqual(sliceSpecs(undefined), []);
});

test('quartile bins as pandas.qcut: linear quantile edges, first bin closed, missing values a group of their own', () => {
  // Eight ages; numpy quantiles at positions 7q: 0.25 -> 25 + 0.75*5 = 28.75, 0.5 -> 37.5, 0.75 -> 46.25.
  const frame: Frame = { columns: [{ name: 'age', type: 'numeric', values: Float64Array.from([55, 20, 30, NaN, 25, 45, 35, 40, 50]) }], rows: 9 };
  const g = groupRows(frame, { column: 'age', bins: 4 }, true);
  assert.deepEqual(g.edges, [20, 28.75, 37.5, 46.25, 55]);
  assert.deepEqual(g.labels, ['[20, 28.75]', '(28.75, 37.5]', '(37.5, 46.25]', '(46.25, 55]', '(missing)']);
  assert.deepEqual(labelsPerRow(g), ['(46.25, 55]', '[20, 28.75]', '(28.75, 37.5]', '(missing)', '[20, 28.75]', '(37.5, 46.25]', '(28.75, 37.5]', '(37.5, 46.25]', '(46.25, 55]']);
});

test('repeated edges are dropped (duplicates="drop") and an edge value goes to the bin it closes', () => {
  // [1,1,1,1,2,3] in 3 bins: quantiles at positions 5/3 -> 1, 10/3 -> 1 + (2-1)/3; edges 1, 1, 1.33333, 3 -> 1, 1.33333, 3.
  const frame: Frame = { columns: [{ name: 'n', type: 'numeric', values: Float64Array.from([1, 1, 1, 1, 2, 3]) }], rows: 6 };
  const g = groupRows(frame, { column: 'n', bins: 3 }, true);
  assert.deepEqual(g.labels, ['[1, 1.33333]', '(1.33333, 3]']);
  assert.deepEqual(Array.from(g.groupOf), [0, 0, 0, 0, 1, 1]);
  // One distinct value: one closed bin.
  const flat = groupRows({ columns: [{ name: 'n', type: 'numeric', values: Float64Array.from([7, 7, 7]) }], rows: 3 }, { column: 'n', bins: 4 }, true);
  assert.deepEqual(flat.labels, ['[7, 7]']);
});

test('values: text trimmed and sorted, numbers numerically, booleans by their written text, missing last', () => {
  const frame: Frame = {
    columns: [
      { name: 'sex', type: 'categorical', values: [' M', 'F', null, 'M '] },
      { name: 'grade', type: 'numeric', values: Float64Array.from([10, 9, 10, NaN]) },
      { name: 'member', type: 'boolean', values: Float64Array.from([1, 0, 1, 0]), texts: { words: ['yes', 'no'], codes: Uint8Array.from([1, 2, 1, 2]) } },
    ],
    rows: 4,
  };
  const sex = groupRows(frame, { column: 'sex' }, true);
  assert.deepEqual(labelsPerRow(sex), ['M', 'F', '(missing)', 'M']);
  assert.deepEqual(sex.labels, ['F', 'M', '(missing)']);
  assert.deepEqual(groupRows(frame, { column: 'sex' }, false).labels, [' M', 'F', 'M ', '(missing)']);
  assert.deepEqual(groupRows(frame, { column: 'grade' }, true).labels, ['9', '10', '(missing)']);
  assert.deepEqual(groupRows(frame, { column: 'member' }, true).labels, ['no', 'yes']);
});

test('errors name the setting and the column', () => {
  const frame: Frame = { columns: [{ name: 'sex', type: 'categorical', values: ['F'] }, { name: 'id', type: 'numeric', values: Float64Array.from({ length: 60 }, (_, i) => i) }], rows: 1 };
  assert.throws(() => checkSliceColumns([{ column: 'gender' }], frame), (e: unknown) => e instanceof DataError && /evaluate\.slices: no column "gender" in the data \(columns: sex, id\)/.test(e.message));
  assert.throws(() => checkSliceColumns([{ column: 'sex', bins: 4 }], frame), /"sex" is categorical; bins split a numeric column/);
  const ids: Frame = { columns: [frame.columns[1]], rows: 60 };
  assert.throws(() => groupRows(ids, { column: 'id' }, true), new RegExp(`"id" has 60 groups in the test rows, more than ${MAX_SLICE_GROUPS}: bin it with \\{ column: id, bins: 4 \\}`));
});
