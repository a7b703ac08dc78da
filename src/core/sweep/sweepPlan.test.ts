import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SweepConfig } from '../config/trainConfig';
import { gridSize, planTrials } from './sweepPlan';

test('grid: the cartesian product in params order, last path fastest, numbered from 1', () => {
  const sweep: SweepConfig = { method: 'grid', params: { 'model.params.max_depth': [2, 4, 8], 'model.params.criterion': ['gini', 'entropy'] } };
  const trials = planTrials(sweep, 0);
  assert.equal(gridSize(sweep), 6);
  assert.deepEqual(trials.map((t) => t.index), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(trials.map((t) => [t.params['model.params.max_depth'], t.params['model.params.criterion']]), [
    [2, 'gini'], [2, 'entropy'], [4, 'gini'], [4, 'entropy'], [8, 'gini'], [8, 'entropy'],
  ]);
});

test('grid: choice lists count as lists; trials caps the grid; distributions are refused', () => {
  const sweep: SweepConfig = { method: 'grid', params: { a: { choice: [1, 2, 3] }, b: [true, false] }, trials: 4 };
  assert.deepEqual(planTrials(sweep, 0).map((t) => t.params), [{ a: 1, b: true }, { a: 1, b: false }, { a: 2, b: true }, { a: 2, b: false }]);
  assert.throws(() => planTrials({ method: 'grid', params: { a: { uniform: [0, 1] } } }, 0), /grid search cannot sample a distribution for "a"/);
});

test('grid: a huge grid needs an explicit cap', () => {
  const big = Array.from({ length: 101 }, (_, i) => i);
  assert.throws(() => planTrials({ method: 'grid', params: { a: big, b: big } }, 0), /10201 combinations; cap it with sweep\.trials/);
  assert.equal(planTrials({ method: 'grid', params: { a: big, b: big }, trials: 3 }, 0).length, 3);
});

const RANDOM: SweepConfig = {
  method: 'random',
  trials: 200,
  params: {
    lr: { log_uniform: [1e-4, 1e-1] },
    frac: { uniform: [0.2, 0.4] },
    depth: { int_uniform: [2, 5] },
    crit: ['gini', 'entropy'],
    act: { choice: ['relu', 'tanh', 'sigmoid'] },
  },
};

test('random: the same seed gives the same trials, another seed others', () => {
  const a = planTrials(RANDOM, 11);
  assert.deepEqual(planTrials(RANDOM, 11), a);
  assert.notDeepEqual(planTrials(RANDOM, 12).map((t) => t.params), a.map((t) => t.params));
  assert.equal(planTrials({ ...RANDOM, trials: undefined }, 1).length, 10, 'default 10 trials');
});

test('random: every value lies in its distribution, ends of int_uniform included, log_uniform spread in log space', () => {
  const trials = planTrials(RANDOM, 5);
  const depths = new Set<unknown>();
  let belowMilli = 0;
  for (const { params: p } of trials) {
    const lr = p.lr as number;
    assert.ok(lr >= 1e-4 && lr < 1e-1, `lr ${lr}`);
    if (lr < 1e-3) belowMilli++;
    const frac = p.frac as number;
    assert.ok(frac >= 0.2 && frac < 0.4, `frac ${frac}`);
    assert.ok(Number.isInteger(p.depth) && (p.depth as number) >= 2 && (p.depth as number) <= 5);
    depths.add(p.depth);
    assert.ok(['gini', 'entropy'].includes(p.crit as string));
    assert.ok(['relu', 'tanh', 'sigmoid'].includes(p.act as string));
  }
  assert.deepEqual([...depths].sort(), [2, 3, 4, 5]);
  // A third of the log range lies below 1e-3; a linear draw would put ~1% there.
  assert.ok(belowMilli > 40 && belowMilli < 100, `${belowMilli} of 200 below 1e-3`);
});
