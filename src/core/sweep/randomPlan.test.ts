import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SweepConfig } from '../config/trainConfig';
import { gridSize, planTrials } from './sweepPlan';

const key = (p: Readonly<Record<string, unknown>>) => JSON.stringify(p);

/** The sweep of issue #14: two depths × three criteria, 5 trials, seed 1 repeated trial 1 as trial 3. */
const SMALL: SweepConfig = {
  method: 'random', trials: 5,
  params: { 'model.params.max_depth': { int_uniform: [2, 3] }, 'model.params.criterion': { choice: ['gini', 'entropy', 'log_loss'] } },
};

test('random over a finite space: no param set twice, for every seed', () => {
  for (let seed = 0; seed < 200; seed++) {
    const trials = planTrials(SMALL, seed);
    assert.equal(trials.length, 5);
    assert.equal(new Set(trials.map((t) => key(t.params))).size, 5, `seed ${seed}: ${trials.map((t) => key(t.params)).join(' ')}`);
  }
});

test('random asking for more trials than the space has runs each set once, in a seeded order', () => {
  const all = planTrials({ ...SMALL, trials: 50 }, 1);
  assert.equal(all.length, 6);
  assert.deepEqual(all.map((t) => t.index), [1, 2, 3, 4, 5, 6]);
  assert.equal(new Set(all.map((t) => key(t.params))).size, 6);
  assert.deepEqual(planTrials({ ...SMALL, trials: 50 }, 1), all);
  assert.notDeepEqual(planTrials({ ...SMALL, trials: 50 }, 2).map((t) => key(t.params)), all.map((t) => key(t.params)));
});

test('random without replacement is uniform over the sets: each of 6 sets is the first trial about 1/6 of the time', () => {
  const firsts = new Map<string, number>();
  for (let seed = 0; seed < 6000; seed++) {
    const k = key(planTrials({ ...SMALL, trials: 1 }, seed)[0]!.params);
    firsts.set(k, (firsts.get(k) ?? 0) + 1);
  }
  assert.equal(firsts.size, 6);
  for (const [k, n] of firsts) assert.ok(n > 850 && n < 1150, `${k}: ${n} of 6000`);
});

test('a value listed twice is one value: the grid and random sweeps never repeat it', () => {
  const grid: SweepConfig = { method: 'grid', params: { a: [1, 1, 2], b: { choice: ['x', 'x'] } } };
  assert.equal(gridSize(grid), 2);
  assert.deepEqual(planTrials(grid, 0).map((t) => t.params), [{ a: 1, b: 'x' }, { a: 2, b: 'x' }]);
  assert.equal(planTrials({ ...grid, method: 'random', trials: 10 }, 3).length, 2);
});

test('random with a continuous distribution draws distinct sets; a large int range is sampled without indexing it', () => {
  const mixed: SweepConfig = { method: 'random', trials: 40, params: { lr: { uniform: [0, 1] }, crit: ['gini', 'entropy'] } };
  const trials = planTrials(mixed, 7);
  assert.equal(trials.length, 40);
  assert.equal(new Set(trials.map((t) => key(t.params))).size, 40);
  const wide = planTrials({ method: 'random', trials: 30, params: { n: { int_uniform: [0, 1e9] }, b: [true, false] } }, 7);
  assert.equal(new Set(wide.map((t) => key(t.params))).size, 30);
  for (const t of wide) assert.ok(Number.isInteger(t.params.n) && (t.params.n as number) <= 1e9);
});
