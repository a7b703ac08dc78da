import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame } from '../../core/data/frame';
import { groupRows } from '../../core/evaluation/slices/sliceGroups';
import { sliceReport } from '../../core/evaluation/slices/sliceReport';
import { gapEnds, parseSliceReport } from './sliceViews';

test('a slices.json the worker wrote parses to the view: metrics in display order, gaps under their metric names', () => {
  const frame: Frame = { columns: [{ name: 'age group', type: 'categorical', values: ['a', 'a', 'b', 'b'] }], rows: 4 };
  const json = JSON.parse(JSON.stringify(sliceReport([groupRows(frame, { column: 'age group' }, true)], {
    task: 'classification', nClasses: 2, positiveIndex: 1, positiveLabel: 'yes', yTrue: [1, 0, 1, 0], yPred: [1, 1, 1, 0],
  })));
  const view = parseSliceReport('run1', json);
  assert.ok(view);
  assert.deepEqual(view.metrics, ['accuracy', 'precision', 'recall', 'selection_rate', 'false_positive_rate', 'false_negative_rate']);
  assert.equal(view.positive, 'yes');
  const [col] = view.columns;
  assert.deepEqual(col.groups.map((g) => [g.group, g.count, g.small, g.metrics.selection_rate]), [['a', 2, true, 1], ['b', 2, true, 0.5]]);
  assert.deepEqual(col.disparities.map((d) => [d.metricKey, d.value]), [
    ['slice_age_group_accuracy_gap', 0.5],
    ['slice_age_group_demographic_parity_difference', 0.5],
    ['slice_age_group_equalized_odds_difference', 1],
  ]);
  assert.deepEqual(gapEnds(col, 'accuracy'), { max: 1, min: 0 });
});

test('malformed files are dropped, bad fields become null, never passed on as they are', () => {
  assert.equal(parseSliceReport('r', null), undefined);
  assert.equal(parseSliceReport('r', { task: 'ranking', columns: [] }), undefined);
  assert.equal(parseSliceReport('r', { task: 'regression', columns: [{ column: 'x', groups: [{ group: 1, count: 3 }] }] }), undefined, 'no valid group');
  const view = parseSliceReport('r', {
    task: 'regression',
    columns: [
      { column: 'site', groups: [{ group: 'A', count: 3, metrics: { mse: 'NaN', mae: 1, mean_prediction: 2, extra: 9 } }], disparities: { mae_gap: 0, evil: 1 } },
      'not a column',
    ],
  });
  assert.ok(view);
  assert.equal(view.minGroupSize, 30);
  assert.deepEqual(view.columns[0].groups[0].metrics, { mse: null, mae: 1, mean_prediction: 2 });
  assert.deepEqual(view.columns[0].disparities, [{ name: 'mae_gap', metricKey: 'slice_site_mae_gap', value: 0 }]);
});
