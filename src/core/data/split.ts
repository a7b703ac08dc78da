import { Rng, permutation } from '../util/rng';
import { DataError } from './dataError';

/** Row indices of the two parts of a split, each in shuffled order. */
export interface SplitIndices {
  readonly train: Uint32Array;
  readonly test: Uint32Array;
}

export interface SplitOptions {
  /** Fraction of rows for the test part, in [0, 1). */
  readonly test: number;
  readonly seed: number;
  /**
   * Class index of each row, to stratify by; omit for a plain shuffle.
   * Classes are kept in proportion in both parts, and every class with at
   * least two rows keeps at least one row in train.
   */
  readonly strata?: ArrayLike<number>;
}

/**
 * Seeded train/test split of `n` rows. The test part has `ceil(test * n)`
 * rows (as scikit-learn's `train_test_split`), at most `n - 1`. The same
 * seed gives the same split.
 */
export function splitIndices(n: number, opts: SplitOptions): SplitIndices {
  if (!(opts.test >= 0 && opts.test < 1)) {
    throw new DataError(`data.split.test must be a fraction in [0, 1), got ${opts.test}`);
  }
  const rng = new Rng(opts.seed);
  const nTest = Math.min(Math.ceil(opts.test * n - 1e-9), Math.max(0, n - 1));
  if (opts.strata === undefined) {
    const perm = permutation(n, rng);
    return { test: perm.slice(0, nTest), train: perm.slice(nTest) };
  }
  const groups = groupRows(opts.strata, n);
  const quota = allocate(groups.map((g) => g.length), nTest, n);
  const train: number[] = [];
  const test: number[] = [];
  groups.forEach((rows, k) => {
    rng.shuffle(rows);
    for (let i = 0; i < rows.length; i++) (i < quota[k] ? test : train).push(rows[i]);
  });
  return {
    train: rng.shuffle(Uint32Array.from(train)),
    test: rng.shuffle(Uint32Array.from(test)),
  };
}

/** Rows of each class, classes in order of their index. */
function groupRows(strata: ArrayLike<number>, n: number): number[][] {
  if (strata.length !== n) throw new Error(`strata has ${strata.length} entries for ${n} rows`);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const k = strata[i];
    let g = byClass.get(k);
    if (g === undefined) byClass.set(k, (g = []));
    g.push(i);
  }
  return [...byClass.keys()].sort((a, b) => a - b).map((k) => byClass.get(k) as number[]);
}

/**
 * Test rows per class: proportional shares rounded down, then the rows left
 * over go to the classes with the largest remainders (ties: larger class,
 * then lower class index). A class never gives all its rows to test; a
 * class of one row stays in train.
 */
function allocate(sizes: readonly number[], nTest: number, n: number): number[] {
  const cap = sizes.map((s) => Math.max(0, s - 1));
  const ideal = sizes.map((s) => (s * nTest) / n);
  const quota = ideal.map((x, k) => Math.min(Math.floor(x + 1e-9), cap[k]));
  let left = nTest - quota.reduce((a, b) => a + b, 0);
  const order = sizes.map((_, k) => k).sort((a, b) =>
    (ideal[b] - quota[b]) - (ideal[a] - quota[a]) || sizes[b] - sizes[a] || a - b);
  while (left > 0) {
    let gave = false;
    for (const k of order) {
      if (left === 0) break;
      if (quota[k] < cap[k]) {
        quota[k]++;
        left--;
        gave = true;
      }
    }
    if (!gave) break;
  }
  return quota;
}
