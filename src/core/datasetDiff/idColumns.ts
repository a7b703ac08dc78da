/**
 * Columns that identify rows instead of describing them: the diff's key, and
 * columns whose every value is different (a row number, an order id, a
 * UUID). Their "distribution" shifts whenever rows are added (new ids are
 * larger, or new), so a drift test flags them while it says nothing about
 * the data; their changes are row changes, which the row diff reports.
 */
import type { DriftSkipped } from './types';

/** Fewer values than this never make a column ID-like: five distinct categories are just five categories. */
export const MIN_ID_VALUES = 20;

/**
 * True when both sorted samples are whole numbers, each value once, packed
 * like row numbers or sequential ids: the range is at most twice the count.
 * An integer measurement (an amount in cents) is spread out and stays tested.
 * `totalA` / `totalB`: finite values in each file (the samples may hold fewer).
 */
export function isIdLikeNumbers(sortedA: Float64Array, sortedB: Float64Array, totalA = sortedA.length, totalB = sortedB.length): boolean {
  return sequential(sortedA, totalA) && sequential(sortedB, totalB);
}

function sequential(sorted: Float64Array, total: number): boolean {
  const n = sorted.length;
  if (n < MIN_ID_VALUES) return false;
  for (let i = 0; i < n; i++) {
    if (!Number.isInteger(sorted[i]) || (i > 0 && sorted[i] === sorted[i - 1])) return false;
  }
  return sorted[n - 1]! - sorted[0]! + 1 <= 2 * Math.max(total, n);
}

/** True when every category occurs once in both files (and there are enough of them to tell). */
export function isIdLikeCounts(countsA: ReadonlyMap<string, number>, countsB: ReadonlyMap<string, number>): boolean {
  return uniqueCounts(countsA) && uniqueCounts(countsB);
}

function uniqueCounts(counts: ReadonlyMap<string, number>): boolean {
  if (counts.size < MIN_ID_VALUES) return false;
  for (const n of counts.values()) if (n !== 1) return false;
  return true;
}

/** The entry for a column left out of drift, or undefined when it is tested. */
export function skipDrift(column: string, key: readonly string[] | undefined, idLike: () => boolean): DriftSkipped | undefined {
  if (key?.includes(column)) return { column, reason: 'key' };
  return idLike() ? { column, reason: 'id-like' } : undefined;
}
