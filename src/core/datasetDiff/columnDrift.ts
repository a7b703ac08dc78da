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
  const a = finiteValues(p.a.values as Float64Array).sort();
  const b = finiteValues(p.b.values as Float64Array).sort();
  const psi = measure(numericPsi(a, b), psiVerdict);
  const ks = measure(ksStatistic(a, b), effectVerdict);
  return { column: p.b.name, kind: 'numeric', psi, ks, verdict: worstVerdict([psi.verdict, ks.verdict]) };
}

function categoricalDrift(p: ColumnPair): ColumnDrift {
  const countsA = categoryCounts(p.a);
  const countsB = categoryCounts(p.b);
  const categories = [...new Set([...countsA.keys(), ...countsB.keys()])];
  const ca = categories.map((c) => countsA.get(c) ?? 0);
  const cb = categories.map((c) => countsB.get(c) ?? 0);
  const psi = measure(psiFromCounts(ca, cb), psiVerdict);
  const chi = chiSquare(ca, cb);
  const chiSquareMeasure = { value: chi.statistic, verdict: effectVerdict(chi.cramersV), pValue: chi.pValue, dof: chi.dof, cramersV: chi.cramersV };
  return { column: p.b.name, kind: 'categorical', psi, chiSquare: chiSquareMeasure, verdict: worstVerdict([psi.verdict, chiSquareMeasure.verdict]) };
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
