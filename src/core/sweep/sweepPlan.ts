import type { SweepConfig, SweepValues } from '../config/trainConfig';
import { distinctValues, randomParamSets } from './randomPlan';

/** One trial of a sweep: its 1-based number and the value of each swept config path. */
export interface TrialPlan {
  readonly index: number;
  /** Dotted config path (as written under `sweep.params`) → value, in the order of `sweep.params`. */
  readonly params: Readonly<Record<string, unknown>>;
}

/** Random search runs this many trials when `sweep.trials` is absent. */
export const DEFAULT_RANDOM_TRIALS = 10;
/** A grid larger than this needs `sweep.trials` as an explicit cap. */
export const MAX_GRID = 10_000;

/** The listed values of a grid entry (a list or `{ choice: [...] }`); undefined for a distribution. */
function listed(values: SweepValues): readonly unknown[] | undefined {
  // A value listed twice would run the same trial twice.
  if (Array.isArray(values)) return distinctValues(values);
  if ('choice' in values) return distinctValues(values.choice);
  return undefined;
}

/** Number of combinations of a grid sweep (the product of the list lengths). */
export function gridSize(sweep: SweepConfig): number {
  return Object.values(sweep.params).reduce<number>((n, v) => n * (listed(v)?.length ?? NaN), 1);
}

/**
 * The trials of a sweep, in run order.
 *
 * - grid: the cartesian product of the lists, in `sweep.params` order with
 *   the last path varying fastest (as nested loops written in that order);
 *   `trials`, when given, keeps the first that many combinations.
 *   Distributions cannot be enumerated (the config check reports them).
 * - random: `trials` (default 10) distinct param sets drawn with the seeded
 *   generator, so a seed always gives the same trials: a list or `choice`
 *   uniformly, `uniform` in [low, high), `log_uniform` uniformly in log
 *   space, `int_uniform` an integer in [low, high] (both ends included). A
 *   finite space is sampled without replacement and never yields more trials
 *   than it has param sets (see `randomParamSets`).
 */
export function planTrials(sweep: SweepConfig, seed: number): TrialPlan[] {
  const entries = Object.entries(sweep.params);
  if (entries.length === 0) throw new Error('sweep.params is empty: name at least one config path to sweep');
  return sweep.method === 'grid' ? gridTrials(entries, sweep.trials) : randomTrials(entries, sweep.trials ?? DEFAULT_RANDOM_TRIALS, seed);
}

function gridTrials(entries: [string, SweepValues][], cap: number | undefined): TrialPlan[] {
  const lists = entries.map(([key, values]) => {
    const list = listed(values);
    if (!list) throw new Error(`grid search cannot sample a distribution for "${key}": list the values, or use method: random`);
    if (list.length === 0) throw new Error(`sweep param "${key}" has no values`);
    return list;
  });
  const size = lists.reduce((n, l) => n * l.length, 1);
  if (cap === undefined && size > MAX_GRID) {
    throw new Error(`the grid has ${size} combinations; cap it with sweep.trials, or use method: random`);
  }
  const count = Math.min(size, cap ?? size);
  const trials: TrialPlan[] = [];
  for (let t = 0; t < count; t++) {
    // Mixed-radix decoding of t: the last list is the fastest digit.
    const params: Record<string, unknown> = {};
    let rest = t;
    const picks = new Array<unknown>(lists.length);
    for (let j = lists.length - 1; j >= 0; j--) {
      picks[j] = lists[j]![rest % lists[j]!.length];
      rest = Math.floor(rest / lists[j]!.length);
    }
    entries.forEach(([key], j) => (params[key] = picks[j]));
    trials.push({ index: t + 1, params });
  }
  return trials;
}

function randomTrials(entries: [string, SweepValues][], count: number, seed: number): TrialPlan[] {
  return randomParamSets(entries, count, seed).map((params, t) => ({ index: t + 1, params }));
}
