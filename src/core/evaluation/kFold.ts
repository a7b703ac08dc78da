import { DataError } from '../data/dataError';
import { Rng, permutation } from '../util/rng';

/** Row indices of one cross-validation fold, each part in ascending order. */
export interface Fold {
  readonly train: Uint32Array;
  readonly validation: Uint32Array;
}

export interface KFoldOptions {
  /** Number of folds, an integer in [2, n]. */
  readonly k: number;
  readonly seed: number;
  /**
   * Class index of each row: folds then keep the class proportions (each
   * class has `floor(n_c / k)` or `ceil(n_c / k)` rows in every validation
   * fold). Omit for a plain shuffled K-fold.
   */
  readonly strata?: ArrayLike<number>;
}

/**
 * Seeded K-fold split of `n` rows (scikit-learn's `KFold(shuffle=True)` /
 * `StratifiedKFold(shuffle=True)` in spirit, not in exact indices): every row
 * is in exactly one validation fold, validation folds differ in size by at
 * most one row, and each fold trains on all the other rows. The same seed
 * gives the same folds. Throws `DataError` when `k` is not in [2, n].
 */
export function kFoldIndices(n: number, opts: KFoldOptions): Fold[] {
  const { k } = opts;
  if (!Number.isInteger(k) || k < 2) throw new DataError(`evaluate.cv must be an integer ≥ 2, got ${k}`);
  if (k > n) throw new DataError(`evaluate.cv is ${k}, but there are only ${n} training rows (at most one fold per row)`);
  const rng = new Rng(opts.seed);
  const foldOf = new Uint32Array(n);
  if (opts.strata === undefined) {
    // Contiguous chunks of a permutation: the first n % k folds get one row more.
    const perm = permutation(n, rng);
    const base = Math.floor(n / k);
    const extra = n % k;
    let pos = 0;
    for (let f = 0; f < k; f++) {
      const size = base + (f < extra ? 1 : 0);
      for (let i = 0; i < size; i++) foldOf[perm[pos++]] = f;
    }
  } else {
    if (opts.strata.length !== n) throw new Error(`strata has ${opts.strata.length} entries for ${n} rows`);
    // Rows grouped by class (each class shuffled), then dealt round-robin:
    // a class's rows are consecutive in the deal, so every fold gets
    // floor or ceil of its share, and fold sizes stay within one row.
    const byClass = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const c = opts.strata[i];
      let rows = byClass.get(c);
      if (rows === undefined) byClass.set(c, (rows = []));
      rows.push(i);
    }
    let dealt = 0;
    for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
      for (const row of rng.shuffle(byClass.get(c)!)) foldOf[row] = dealt++ % k;
    }
  }
  const sizes = new Uint32Array(k);
  for (let i = 0; i < n; i++) sizes[foldOf[i]]++;
  const folds: Fold[] = [];
  for (let f = 0; f < k; f++) {
    const validation = new Uint32Array(sizes[f]);
    const train = new Uint32Array(n - sizes[f]);
    let v = 0;
    let t = 0;
    for (let i = 0; i < n; i++) {
      if (foldOf[i] === f) validation[v++] = i;
      else train[t++] = i;
    }
    folds.push({ train, validation });
  }
  return folds;
}

/** The smallest class size below `k` (a class with fewer rows than folds leaves some folds without it), if any. */
export function smallestClassBelow(strata: ArrayLike<number>, k: number): { cls: number; rows: number } | undefined {
  const counts = new Map<number, number>();
  for (let i = 0; i < strata.length; i++) counts.set(strata[i], (counts.get(strata[i]) ?? 0) + 1);
  let worst: { cls: number; rows: number } | undefined;
  for (const [cls, rows] of counts) if (rows < k && (!worst || rows < worst.rows)) worst = { cls, rows };
  return worst;
}
