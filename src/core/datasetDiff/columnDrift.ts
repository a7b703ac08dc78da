import type { Column } from '../data/frame';
import { finiteValues } from '../data/stats';
import { chiSquare, effectVerdict, ksStatistic, measure, numericPsi, psiFromCounts, psiVerdict, worstVerdict } from './drift';
import type { ColumnPair } from './schemaDiff';
import { isIdLikeCounts, isIdLikeNumbers, skipDrift } from './idColumns';
import type { CategoryChanges, ColumnDrift, DriftSkipped, DriftVerdict } from './types';

/**
 * Drift for each column in both files with the same type (renamed columns
 * under B's name). Numeric: PSI and KS over the finite values. Categorical
 * and boolean: PSI and chi-square over the categories, and the categories
 * that came or went. Missing values are left out (their change shows in
 * the statistics). Key and ID-like columns are not tested (`skipped`).
 */
export function columnDrift(pairs: readonly ColumnPair[], key?: readonly string[]): { drift: ColumnDrift[]; skipped: DriftSkipped[] } {
  const drift: ColumnDrift[] = [];
  const skipped: DriftSkipped[] = [];
  for (const p of pairs.filter((x) => x.a.type === x.b.type)) {
    if (p.a.type === 'numeric') {
      const a = finiteValues(p.a.values as Float64Array).sort();
      const b = finiteValues(p.b.values as Float64Array).sort();
      const skip = skipDrift(p.b.name, key, () => isIdLikeNumbers(a, b));
      if (skip) skipped.push(skip);
      else drift.push(numericDriftSorted(p.b.name, a, b));
    } else {
      const a = categoryCounts(p.a);
      const b = categoryCounts(p.b);
      const skip = skipDrift(p.b.name, key, () => p.a.type === 'categorical' && isIdLikeCounts(a, b));
      if (skip) skipped.push(skip);
      else drift.push(categoricalDriftCounts(p.b.name, a, b));
    }
  }
  return { drift, skipped };
}

/** Numeric drift from the sorted finite values of A and B (or uniform samples of them). */
export function numericDriftSorted(column: string, a: Float64Array, b: Float64Array): ColumnDrift {
  const psi = measure(numericPsi(a, b), psiVerdict);
  const ks = measure(ksStatistic(a, b), effectVerdict);
  return { column, kind: 'numeric', psi, ks, verdict: worstVerdict([psi.verdict, ks.verdict]) };
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
  const changes = categoryChanges(countsA, countsB);
  const cameOrWent: DriftVerdict = changes.addedCount + changes.removedCount > 0 ? 'moderate' : 'none';
  return {
    column, kind: 'categorical', psi, chiSquare: chiSquareMeasure, categories: changes,
    verdict: worstVerdict([psi.verdict, chiSquareMeasure.verdict, cameOrWent]),
  };
}

/** Names of categories listed per direction; the totals count them all. */
export const CATEGORY_NAMES_SHOWN = 10;

/**
 * Categories new in B and gone from it, the most frequent first. One is a
 * change a model notices (a label it never saw, a class it no longer meets)
 * however few rows it has, while PSI and chi-square weigh it by its share.
 */
function categoryChanges(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): CategoryChanges {
  const added = [...b].filter(([c]) => !a.has(c));
  const removed = [...a].filter(([c]) => !b.has(c));
  const names = (list: [string, number][]) =>
    list.sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)).slice(0, CATEGORY_NAMES_SHOWN).map(([c]) => c);
  return { added: names(added), removed: names(removed), addedCount: added.length, removedCount: removed.length };
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

/** `; new category "setosa_typo"; gone: "x", "y"` for a drift line, or '' when no category came or went. */
export function categoryChangeText(d: ColumnDrift): string {
  const c = d.categories;
  if (c === undefined) return '';
  const list = (names: readonly string[], total: number) =>
    names.map((n) => JSON.stringify(n)).join(', ') + (total > names.length ? ` and ${total - names.length} more` : '');
  return (c.addedCount > 0 ? `; new categor${c.addedCount === 1 ? 'y' : 'ies'} ${list(c.added, c.addedCount)}` : '')
    + (c.removedCount > 0 ? `; gone: ${list(c.removed, c.removedCount)}` : '');
}
