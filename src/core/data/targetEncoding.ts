import type { Column } from './frame';
import { compareStrings } from './stats';

/** A class label as it appears in the data. */
export type Label = string | number | boolean;

/**
 * The sorted distinct labels of a target column, like numpy's `np.unique`:
 * numbers numerically, strings lexicographically (by UTF-16 code unit),
 * booleans false before true. Missing values are not labels. Categorical
 * labels are trimmed when `trim` is on, as the features are.
 */
export function labelsOf(col: Column, trim: boolean): Label[] {
  if (col.type === 'categorical') {
    const set = new Set<string>();
    for (const v of col.values) if (v !== null) set.add(trim ? v.trim() : v);
    return [...set].sort(compareStrings);
  }
  const set = new Set<number>();
  for (const v of col.values) if (!Number.isNaN(v)) set.add(v);
  const nums = [...set].sort((a, b) => a - b);
  return col.type === 'boolean' ? nums.map((v) => v === 1) : nums;
}

/** Merges label lists of the same kind (e.g. of a train and a test file) into one sorted list. */
export function mergeLabels(a: readonly Label[], b: readonly Label[]): Label[] {
  const all = [...a, ...b];
  if (all.every((l) => typeof l === 'number')) return [...new Set(all as number[])].sort((x, y) => x - y);
  if (all.every((l) => typeof l === 'boolean')) return [false, true].filter((v) => all.includes(v));
  return [...new Set(all.map(String))].sort(compareStrings);
}

/** The key a label is looked up by; numbers and strings of the same text must not collide across kinds. */
export function labelKey(l: Label): string {
  return typeof l === 'string' ? `s:${l}` : typeof l === 'number' ? `n:${l}` : `b:${l}`;
}

/** The label of one cell, or undefined when the cell is missing. */
export function cellLabel(col: Column, row: number, trim: boolean): Label | undefined {
  if (col.type === 'categorical') {
    const v = col.values[row];
    return v === null ? undefined : trim ? v.trim() : v;
  }
  const v = col.values[row];
  if (Number.isNaN(v)) return undefined;
  return col.type === 'boolean' ? v === 1 : v;
}
