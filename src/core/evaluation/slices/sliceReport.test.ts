import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame } from '../../data/frame';
import { groupRows } from './sliceGroups';
import { sliceMetrics, sliceReport } from './sliceReport';

/**
 * Hand-worked cases. The disparities follow Fairlearn 0.10
 * (fairlearn.metrics): `demographic_parity_difference` =
 * MetricFrame(selection_rate).difference(method='between_groups'), i.e. the
 * largest minus the smallest group selection rate; `equalized_odds_difference`
 * (agg='worst_case') = max(TPR difference, FPR difference) between groups.
 * Fairlearn itself is not installable here (not in Debian 12, no network
 * registry for pip), so sliceParity.test.ts checks the same definitions
 * against pandas/NumPy.
 */

const close = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} != ${expected}`);

function frameOf(name: string, values: (string | null)[]): Frame {
  return { columns: [{ name, type: 'categorical', values }], rows: values.length };
}

test('binary: per-group rates and Fairlearn disparities, 10 rows worked by hand', () => {
  // row:   F  F  F  F  F  M  M  M  M  M
  // true:  1  1  0  0  0  1  1  1  0  0
  // pred:  1  0  1  0  0  1  1  0  1  1
  // F: TP 1, FN 1, FP 1, TN 2 -> accuracy 3/5, precision 1/2, recall 1/2, selection 2/5, FPR 1/3, FNR 1/2
  // M: TP 2, FN 1, FP 2, TN 0 -> accuracy 2/5, precision 2/4, recall 2/3, selection 4/5, FPR 2/2, FNR 1/3
  const frame = frameOf('sex', ['F', 'F', 'F', 'F', 'F', 'M', 'M', 'M', 'M', 'M']);
  const report = sliceReport([groupRows(frame, { column: 'sex' }, true)], {
    task: 'classification', nClasses: 2, positiveIndex: 1, positiveLabel: 'yes',
    yTrue: [1, 1, 0, 0, 0, 1, 1, 1, 0, 0],
    yPred: [1, 0, 1, 0, 0, 1, 1, 0, 1, 1],
  });
  assert.equal(report.binary, true);
  assert.equal(report.positive, 'yes');
  const [col] = report.columns;
  assert.deepEqual(col.groups.map((g) => [g.group, g.count, g.small, g.note]), [
    ['F', 5, true, 'small group: unreliable'],
    ['M', 5, true, 'small group: unreliable'],
  ]);
  const expected = {
    F: { accuracy: 3 / 5, precision: 1 / 2, recall: 1 / 2, selection_rate: 2 / 5, false_positive_rate: 1 / 3, false_negative_rate: 1 / 2 },
    M: { accuracy: 2 / 5, precision: 2 / 4, recall: 2 / 3, selection_rate: 4 / 5, false_positive_rate: 2 / 2, false_negative_rate: 1 / 3 },
  };
  for (const g of col.groups) {
    const want = expected[g.group as 'F' | 'M'];
    assert.deepEqual(Object.keys(g.metrics).sort(), Object.keys(want).sort());
    for (const [k, v] of Object.entries(want)) close(g.metrics[k], v, `${g.group} ${k}`);
  }
  // accuracy gap 3/5 - 2/5; DPD 4/5 - 2/5; EOD max(2/3 - 1/2, 1 - 1/3) = 2/3 (the FPR gap wins).
  const m = sliceMetrics(report);
  assert.deepEqual(Object.keys(m).sort(), ['slice_sex_accuracy_gap', 'slice_sex_demographic_parity_difference', 'slice_sex_equalized_odds_difference']);
  close(m.slice_sex_accuracy_gap, 0.2, 'accuracy gap');
  close(m.slice_sex_demographic_parity_difference, 0.4, 'DPD');
  close(m.slice_sex_equalized_odds_difference, 2 / 3, 'EOD');
});

test('binary with the first class positive: rates are of that class', () => {
  // Same rows, data.positive = class 0. F: predicted 0 on rows 1,3,4 -> selection 3/5; true 0 rows 2,3,4, hit 3,4 -> recall 2/3.
  // M: predicted 0 on row 7 -> selection 1/5; true 0 rows 8,9 both predicted 1 -> recall 0, FPR = FP/(FP+TN) over true-1 rows: row 7 -> 1/3.
  const frame = frameOf('sex', ['F', 'F', 'F', 'F', 'F', 'M', 'M', 'M', 'M', 'M']);
  const report = sliceReport([groupRows(frame, { column: 'sex' }, true)], {
    task: 'classification', nClasses: 2, positiveIndex: 0,
    yTrue: [1, 1, 0, 0, 0, 1, 1, 1, 0, 0],
    yPred: [1, 0, 1, 0, 0, 1, 1, 0, 1, 1],
  });
  const [f, mm] = report.columns[0].groups;
  close(f.metrics.selection_rate, 3 / 5, 'F selection');
  close(f.metrics.recall, 2 / 3, 'F recall');
  close(f.metrics.false_positive_rate, 1 / 2, 'F FPR'); // true-1 rows 0,1: row 1 predicted 0
  close(mm.metrics.selection_rate, 1 / 5, 'M selection');
  close(mm.metrics.recall, 0, 'M recall');
  close(mm.metrics.precision, 0, 'M precision (no hit among 1 predicted)');
  close(mm.metrics.false_positive_rate, 1 / 3, 'M FPR');
  const m = sliceMetrics(report);
  close(m.slice_sex_demographic_parity_difference, 2 / 5, 'DPD');
  close(m.slice_sex_equalized_odds_difference, 2 / 3, 'EOD: TPR gap 2/3 beats FPR gap 1/6');
});

test('multiclass: accuracy and macro precision/recall over the classes present in the group; no binary disparities', () => {
  // A (4 rows): true 0 1 2 2, pred 0 2 2 2 -> accuracy 3/4; classes present 0,1,2:
  //   precision 0:1, 1:0 (none predicted), 2: 2/3 -> macro 5/9; recall 0:1, 1:0, 2:1 -> macro 2/3
  // B (5 rows): true 0 0 1 1 1, pred 0 1 1 1 0 -> accuracy 3/5; classes present 0,1 (2 absent from true and pred):
  //   precision 0: 1/2, 1: 2/3 -> macro 7/12; recall 0: 1/2, 1: 2/3 -> macro 7/12
  const frame = frameOf('region', ['A', 'B', 'A', 'B', 'A', 'B', 'A', 'B', 'B']);
  const yTrue = [0, 0, 1, 0, 2, 1, 2, 1, 1];
  const yPred = [0, 0, 2, 1, 2, 1, 2, 1, 0];
  const report = sliceReport([groupRows(frame, { column: 'region' }, true)], { task: 'classification', nClasses: 3, yTrue, yPred });
  const [a, b] = report.columns[0].groups;
  assert.deepEqual([a.group, a.count, b.group, b.count], ['A', 4, 'B', 5]);
  close(a.metrics.accuracy, 3 / 4, 'A accuracy');
  close(a.metrics.precision_macro, 5 / 9, 'A precision');
  close(a.metrics.recall_macro, 2 / 3, 'A recall');
  close(b.metrics.accuracy, 3 / 5, 'B accuracy');
  close(b.metrics.precision_macro, 7 / 12, 'B precision');
  close(b.metrics.recall_macro, 7 / 12, 'B recall');
  assert.deepEqual(Object.keys(sliceMetrics(report)), ['slice_region_accuracy_gap']);
  close(sliceMetrics(report).slice_region_accuracy_gap, 3 / 4 - 3 / 5, 'gap');
});

test('regression: MSE, MAE, mean prediction per group and the MAE gap', () => {
  // X: true 1 2 3, pred 2 2 5 -> mse (1+0+4)/3, mae (1+0+2)/3 = 1, mean pred 3
  // Y: true 0 0, pred 1 -3 -> mse (1+9)/2 = 5, mae 2, mean pred -1
  const frame = frameOf('site', ['X', 'Y', 'X', 'Y', 'X']);
  const report = sliceReport([groupRows(frame, { column: 'site' }, true)], { task: 'regression', yTrue: [1, 0, 2, 0, 3], yPred: [2, 1, 2, -3, 5] });
  assert.equal(report.binary, false);
  const [x, y] = report.columns[0].groups;
  assert.deepEqual(x.metrics, { mse: 5 / 3, mae: 1, mean_prediction: 3 });
  assert.deepEqual(y.metrics, { mse: 5, mae: 2, mean_prediction: -1 });
  assert.deepEqual(sliceMetrics(report), { slice_site_mae_gap: 1 });
});

test('a group of 30 rows or more is not flagged; one of 29 is, and is still reported', () => {
  const values = [...Array<string>(30).fill('big'), ...Array<string>(29).fill('small')];
  const report = sliceReport([groupRows(frameOf('g', values), { column: 'g' }, true)], {
    task: 'classification', nClasses: 2, yTrue: values.map(() => 1), yPred: values.map(() => 1),
  });
  assert.deepEqual(report.columns[0].groups.map((g) => [g.group, g.count, g.small, g.note ?? null]), [
    ['big', 30, false, null],
    ['small', 29, true, 'small group: unreliable'],
  ]);
});

test('a column name that is not a bare metric name is made one, and two names that collide are refused', () => {
  const frame: Frame = { columns: [{ name: 'age group', type: 'categorical', values: ['a', 'b'] }, { name: 'age-group', type: 'categorical', values: ['a', 'b'] }], rows: 2 };
  const outcomes = { task: 'classification' as const, nClasses: 2, yTrue: [0, 1], yPred: [0, 0] };
  const one = sliceReport([groupRows(frame, { column: 'age group' }, true)], outcomes);
  assert.equal(one.columns[0].metricKey, 'age_group');
  assert.ok('slice_age_group_accuracy_gap' in sliceMetrics(one));
  assert.throws(() => sliceReport([groupRows(frame, { column: 'age group' }, true), groupRows(frame, { column: 'age-group' }, true)], outcomes), /both log as slice_age_group_/);
  assert.throws(() => sliceReport([groupRows(frame, { column: 'age group' }, true), groupRows(frame, { column: 'age group' }, false)], outcomes), /"age group" is sliced twice/);
});
