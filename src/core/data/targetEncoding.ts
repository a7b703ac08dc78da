import type { Column, Frame } from './frame';
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

/**
 * The column as class labels: a boolean column that carries the texts it
 * was read with becomes a text column of those texts, so a `yes`/`no`
 * target predicts `"yes"` (not `true`) and `True`/`False` stays as written.
 * A numeric 0/1 target keeps its numbers; other columns are returned as they are.
 */
export function labelColumn(col: Column): Column {
  if (col.type !== 'boolean' || col.texts === undefined) return col;
  const { words, codes } = col.texts;
  const values = Array.from(col.values, (v, r): string | null => (Number.isNaN(v) ? null : words[codes[r] - 1] ?? String(v === 1)));
  return { name: col.name, type: 'categorical', values };
}

/** The frame with its `target` column replaced by `labelColumn` of it. */
export function withLabelColumn<F extends Frame>(frame: F, target: string): F {
  const i = frame.columns.findIndex((c) => c.name === target);
  if (i < 0) return frame;
  const col = labelColumn(frame.columns[i]);
  if (col === frame.columns[i]) return frame;
  const columns = frame.columns.slice();
  columns[i] = col;
  return { ...frame, columns };
}
