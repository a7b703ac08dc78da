import type { SweepValues } from '../config/trainConfig';
import { Rng } from '../util/rng';

/*
 * Random search that never runs the same param set twice. Drawing each path
 * independently (as before) repeated trials whenever the space was small:
 * two lists of 2 and 3 values give 6 sets, and 5 draws from them repeat one
 * more often than not (trial-1 = trial-3 with seed 1).
 */

/** Spaces up to this size are sampled by index (exactly uniform, no rejections). */
const INDEXED_SPACE = 1_000_000;
/** Draws per wanted trial before a space of mostly repeats gives up (continuous spaces never get near it). */
const DRAWS_PER_TRIAL = 100;

/** The distinct values of a list entry, or of an `int_uniform` range when it is small enough to index. */
function finiteValues(values: SweepValues): readonly unknown[] | undefined {
  if (Array.isArray(values)) return distinctValues(values);
  if ('choice' in values) return distinctValues(values.choice);
  if ('int_uniform' in values) {
    const [low, high] = values.int_uniform;
    if (high - low + 1 > INDEXED_SPACE) return undefined;
    return Array.from({ length: high - low + 1 }, (_, i) => low + i);
  }
  return undefined;
}

/** The values of a list without repeats (compared as JSON), in first-seen order. */
export function distinctValues(list: readonly unknown[]): unknown[] {
  const seen = new Map<string, unknown>();
  for (const v of list) if (!seen.has(JSON.stringify(v))) seen.set(JSON.stringify(v), v);
  return [...seen.values()];
}

/**
 * `count` distinct param sets drawn with the seeded generator (a seed always
 * gives the same sets). A finite space (lists, `choice`, `int_uniform`) is
 * sampled without replacement; when it has at most `count` sets, every set
 * runs once, in a random order, so the sweep has fewer trials than asked.
 * A space with a continuous distribution draws and skips a set already drawn.
 */
export function randomParamSets(entries: readonly [string, SweepValues][], count: number, seed: number): Record<string, unknown>[] {
  const rng = new Rng(seed);
  const lists = entries.map(([, v]) => finiteValues(v));
  if (lists.every((l) => l !== undefined)) {
    const radices = lists.map((l) => l!.length);
    const size = radices.reduce((n, r) => n * r, 1);
    if (size <= INDEXED_SPACE) {
      return distinctIndices(size, Math.min(count, size), rng).map((i) => decode(entries, lists as unknown[][], i));
    }
  }
  const out: Record<string, unknown>[] = [];
  const seen = new Set<string>();
  for (let draws = 0; out.length < count && draws < count * DRAWS_PER_TRIAL; draws++) {
    const params: Record<string, unknown> = {};
    for (const [key, values] of entries) params[key] = sample(values, rng);
    const k = JSON.stringify(entries.map(([key]) => params[key]));
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(params);
  }
  return out;
}

/** `k` distinct integers of [0, n) in random order: the first k steps of a Fisher–Yates shuffle, kept sparse. */
function distinctIndices(n: number, k: number, rng: Rng): number[] {
  const moved = new Map<number, number>();
  const out: number[] = [];
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    const atJ = moved.get(j) ?? j;
    moved.set(j, moved.get(i) ?? i);
    out.push(atJ);
  }
  return out;
}

/** The param set at mixed-radix index `t`, the last path fastest (as the grid counts). */
function decode(entries: readonly [string, SweepValues][], lists: readonly (readonly unknown[])[], t: number): Record<string, unknown> {
  const picks = new Array<unknown>(lists.length);
  let rest = t;
  for (let j = lists.length - 1; j >= 0; j--) {
    picks[j] = lists[j]![rest % lists[j]!.length];
    rest = Math.floor(rest / lists[j]!.length);
  }
  return Object.fromEntries(entries.map(([key], j) => [key, picks[j]]));
}

function sample(values: SweepValues, rng: Rng): unknown {
  if (Array.isArray(values)) return values[rng.int(values.length)];
  if ('choice' in values) return values.choice[rng.int(values.choice.length)];
  if ('uniform' in values) {
    const [low, high] = values.uniform;
    return low + (high - low) * rng.next();
  }
  if ('log_uniform' in values) {
    const [low, high] = values.log_uniform;
    return Math.exp(Math.log(low) + (Math.log(high) - Math.log(low)) * rng.next());
  }
  if ('int_uniform' in values) {
    const [low, high] = values.int_uniform;
    return low + rng.int(high - low + 1);
  }
  throw new Error(`unknown sweep values ${JSON.stringify(values)}`);
}
