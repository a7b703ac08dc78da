import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SweepTrialRow } from './sweepSummary';
import { sortTrials, summaryCsv, sweepSummary } from './sweepSummary';

const row = (index: number, value: number | null, status: SweepTrialRow['status'] = 'finished', extra: Partial<SweepTrialRow> = {}): SweepTrialRow =>
  ({ id: `id${index}`, name: `t-${index}`, index, status, params: { 'model.params.max_depth': index, 'data.features.include': ['a', 'b'] }, value, ...extra });

test('sorted by metric (ties by trial number), then trials without a value in order', () => {
  const rows = [row(1, 0.5), row(2, null, 'failed'), row(3, 0.9), row(4, 0.9), row(5, NaN), row(6, 0.7)];
  assert.deepEqual(sortTrials(rows, 'maximize').map((r) => r.index), [3, 4, 6, 1, 2, 5]);
  assert.deepEqual(sortTrials(rows, 'minimize').map((r) => r.index), [1, 6, 3, 4, 2, 5]);
});

test('summary names the best trial; csv has one row per trial with params, metric and error, quoted as needed', () => {
  const s = sweepSummary([row(1, 0.5), row(2, null, 'failed', { error: 'bad "x", really' }), row(3, 0.9)], 'test_accuracy', 'maximize', ['model.params.max_depth', 'data.features.include']);
  assert.equal(s.best, 'id3');
  const csv = summaryCsv(s).trimEnd().split('\n');
  assert.equal(csv[0], 'run_id,name,status,model.params.max_depth,data.features.include,test_accuracy,error');
  assert.equal(csv[1], 'id3,t-3,finished,3,"[""a"",""b""]",0.9,');
  assert.equal(csv[3], 'id2,t-2,failed,2,"[""a"",""b""]",,"bad ""x"", really"');
  assert.equal(sweepSummary([row(1, null, 'failed')], 'm', 'maximize', []).best, null);
});
