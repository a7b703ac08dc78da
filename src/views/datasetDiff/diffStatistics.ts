/**
 * Per-column statistics for the panel's side-by-side view: the recorded
 * fingerprint's statistics when the side is a recorded version, otherwise
 * computed from the materialized file with the same core fingerprint code a
 * run uses. No vscode import: tested under plain Node.
 */
import { statSync } from 'node:fs';
import { readDataFile, sniffDataFormat } from '../../core/data/dataFile';
import type { ColumnStats } from '../../core/data/fingerprint';
import { fingerprintFrame } from '../../core/data/fingerprint';
import type { DriftVerdict, ColumnDrift, SchemaDiff } from '../../core/datasetDiff/types';
import type { RunStore } from '../../store/runStore';
import type { ColumnStatsPair } from '../../protocol/datasetDiff';

/**
 * Computing statistics loads the file whole (the fingerprint code works on a
 * frame); past this size the panel shows the diff without them rather than
 * risk the extension host's memory.
 */
export const STATS_MAX_BYTES = 256 * 1024 * 1024;

export type SideStats = { readonly stats: ColumnStats[]; readonly fingerprint?: string } | { readonly stats: null; readonly reason: string };

function isColumnStats(v: unknown): v is ColumnStats {
  const o = v as { name?: unknown; type?: unknown } | null;
  return typeof o === 'object' && o !== null && typeof o.name === 'string' && (o.type === 'numeric' || o.type === 'categorical' || o.type === 'boolean');
}

/** Stored statistics of a recorded version, when the store has well-formed ones. */
export function recordedStats(store: RunStore | undefined, fingerprint: string | undefined): ColumnStats[] | undefined {
  if (!store || !fingerprint) return undefined;
  const stats = store.datasets.getDataset(fingerprint)?.stats;
  return Array.isArray(stats) && stats.every(isColumnStats) ? stats : undefined;
}

/** Statistics of one side: recorded ones, else computed from the file (bounded by size). */
export async function sideStats(file: string, label: string, store: RunStore | undefined, fingerprint: string | undefined): Promise<SideStats> {
  const recorded = recordedStats(store, fingerprint);
  if (recorded) return { stats: recorded, fingerprint };
  const size = statSync(file).size;
  if (size > STATS_MAX_BYTES) {
    return { stats: null, reason: `${label} is ${(size / 1024 / 1024).toFixed(0)} MB: per-column statistics are computed for files up to ${STATS_MAX_BYTES / 1024 / 1024} MB` };
  }
  const frame = await readDataFile(file, { displayPath: label, format: sniffDataFormat(file, label) });
  const fp = fingerprintFrame(frame, frame.sha256);
  return { stats: fp.stats, fingerprint: fp.sha256 };
}

/**
 * Pairs the two sides' statistics by column, in the diff's display order; a
 * renamed column pairs A's old name with B's new one.
 */
export function pairStats(columns: readonly string[], schema: SchemaDiff, a: ColumnStats[] | null, b: ColumnStats[] | null): ColumnStatsPair[] {
  const byName = (list: ColumnStats[] | null) => new Map((list ?? []).map((s) => [s.name, s]));
  const [ma, mb] = [byName(a), byName(b)];
  const renamedTo = new Map(schema.renamed.map((r) => [r.to, r.from]));
  const renamedFrom = new Set(schema.renamed.map((r) => r.from));
  const pairs: ColumnStatsPair[] = [];
  for (const column of columns) {
    if (renamedFrom.has(column) && !mb.has(column)) continue; // shown with its new name
    const aName = renamedTo.get(column) ?? column;
    const label = aName === column ? column : `${aName} → ${column}`;
    pairs.push({ column: label, a: ma.get(aName) ?? null, b: mb.get(column) ?? null });
  }
  return pairs;
}

const SEVERITY: Readonly<Record<DriftVerdict, number>> = { large: 2, moderate: 1, none: 0 };

/** Drift rows, most severe first; within a verdict, larger PSI first, then by column name. */
export function sortDrift(drift: readonly ColumnDrift[]): ColumnDrift[] {
  return [...drift].sort(
    (x, y) => SEVERITY[y.verdict] - SEVERITY[x.verdict] || y.psi.value - x.psi.value || x.column.localeCompare(y.column),
  );
}
