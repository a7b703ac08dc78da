import type { Column } from '../data/frame';
import { finiteValues } from '../data/stats';
import { chiSquare, effectVerdict, ksStatistic, measure, numericPsi, psiFromCounts, psiVerdict, worstVerdict } from './drift';
import type { ColumnPair } from './schemaDiff';
import type { ColumnDrift } from './types';

/**
 * Drift for each column in both files with the same type (renamed columns
 * under B's name). Numeric: PSI and KS over the finite values. Categorical
 * and boolean: PSI and chi-square over the categories. Missing values are
 * left out (their change shows in the statistics).
 */
export function columnDrift(pairs: readonly ColumnPair[]): ColumnDrift[] {
  return pairs.filter((p) => p.a.type === p.b.type).map((p) => (p.a.type === 'numeric' ? numericDrift(p) : categoricalDrift(p)));
}

function numericDrift(p: ColumnPair): ColumnDrift {
  return numericDriftSorted(p.b.name, finiteValues(p.a.values as Float64Array).sort(), finiteValues(p.b.values as Float64Array).sort());
}

/** Numeric drift from the sorted finite values of A and B (or uniform samples of them). */
export function numericDriftSorted(column: string, a: Float64Array, b: Float64Array): ColumnDrift {
  const psi = measure(numericPsi(a, b), psiVerdict);
  const ks = measure(ksStatistic(a, b), effectVerdict);
  return { column, kind: 'numeric', psi, ks, verdict: worstVerdict([psi.verdict, ks.verdict]) };
}

function categoricalDrift(p: ColumnPair): ColumnDrift {
  return categoricalDriftCounts(p.b.name, categoryCounts(p.a), categoryCounts(p.b));
}

/** Categorical drift from the category counts of A and B (missing values left out). */
export function categoricalDriftCounts(column: string, countsA: ReadonlyMap<string, number>, countsB: ReadonlyMap<string, number>): ColumnDrift {
  // Sorted, so the sums (and their last bits) do not depend on the order the categories were met in.
  const categories = [...new Set([...countsA.keys(), ...countsB.keys()])].sort();
  const ca = categories.map((c) => countsA.get(c) ?? 0);
  const cb = categories.map((c) => countsB.get(c) ?? 0);
  const psi = measure(psiFromCounts(ca, cb), psiVerdict);
  const chi = chiSquare(ca, cb);
  const chiSquareMeasure = { value: chi.statistic, verdict: effectVerdict(chi.cramersV), pValue: chi.pValue, dof: chi.dof, cramersV: chi.cramersV };
  return { column, kind: 'categorical', psi, chiSquare: chiSquareMeasure, verdict: worstVerdict([psi.verdict, chiSquareMeasure.verdict]) };
}

function categoryCounts(col: Column): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of col.values) {
    if (v === null || (typeof v === 'number' && Number.isNaN(v))) continue;
    const k = String(v);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}
