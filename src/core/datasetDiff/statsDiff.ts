import type { Frame } from '../data/frame';
import type { ColumnStats } from '../data/fingerprint';
import { fingerprintFrame } from '../data/fingerprint';
import type { ColumnPair } from './schemaDiff';
import type { StatChange } from './types';

type Stat = StatChange['stat'];

/** Relative tolerance for floating statistics: summation order must not show up as a change. */
const REL_TOL = 1e-12;

/**
 * Per-column statistics (the fingerprint's) that differ, for columns in both
 * files with the same type. Renamed columns are listed under B's name.
 */
export function statsDiff(a: Frame, b: Frame, pairs: readonly ColumnPair[]): StatChange[] {
  const same = pairs.filter((p) => p.a.type === p.b.type);
  const statsA = fingerprintFrame({ columns: same.map((p) => p.a), rows: a.rows }, '').stats;
  const statsB = fingerprintFrame({ columns: same.map((p) => p.b), rows: b.rows }, '').stats;
  return same.flatMap((p, i) => statChanges(p.b.name, statsA[i], statsB[i]));
}

/** The statistics of one column that differ between A and B (a statistic that could not be computed is null). */
export function statChanges(column: string, a: ColumnStats, b: ColumnStats): StatChange[] {
  const out: StatChange[] = [];
  for (const [stat, x, y] of statValues(a, b)) {
    const before = x === null || Number.isNaN(x) ? null : x;
    const after = y === null || Number.isNaN(y) ? null : y;
    if (!nearlyEqual(before, after)) out.push({ column, stat, before, after });
  }
  return out;
}

function statValues(a: ColumnStats, b: ColumnStats): [Stat, number | null, number | null][] {
  const rows: [Stat, number | null, number | null][] = [['missing', a.missing, b.missing]];
  if (a.type === 'numeric' && b.type === 'numeric') {
    rows.push(['mean', a.mean, b.mean], ['std', a.std, b.std], ['min', a.min, b.min], ['max', a.max, b.max]);
  } else if (a.type === 'categorical' && b.type === 'categorical') {
    rows.push(['distinct', a.distinct, b.distinct]);
  } else if (a.type === 'boolean' && b.type === 'boolean') {
    rows.push(['true', a.true, b.true], ['false', a.false, b.false]);
  }
  return rows;
}

function nearlyEqual(x: number | null, y: number | null): boolean {
  if (x === null || y === null) return x === y;
  return x === y || Math.abs(x - y) <= REL_TOL * Math.max(Math.abs(x), Math.abs(y));
}
