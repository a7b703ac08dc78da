/**
 * One dataset diff as the panel runs it: the diff `runlens diff` runs too
 * (`datasets/diffDatasets.ts`: both refs as files, the streaming engine),
 * with the panel's side-naming errors, plain-words progress and the
 * statistics, keeping the `FileDiff` (its spill file) until disposed. No vscode import: tested under plain Node with
 * real files and a real store; the panel is the VS Code edge around it.
 */
import { existsSync } from 'node:fs';
import type { DiffProgress, FileDiff, RowChangeFilter } from '../../core/datasetDiff/diffFiles';
import { datasetAbsPath } from '../../datasets/datasetCatalog';
import { DatasetError } from '../../datasets/datasetError';
import type { DatasetRef } from '../../datasets/datasetRef';
import { parseDatasetRef } from '../../datasets/datasetRef';
import type { DatasetsDiff, DiffSideName } from '../../datasets/diffDatasets';
import { diffDatasets } from '../../datasets/diffDatasets';
import type { MaterializedDataset } from '../../datasets/materialize';
import { materializeDataset } from '../../datasets/materialize';
import type { DiffSummary, RowFilter } from '../../protocol/datasetDiff';
import type { RunStore } from '../../store/runStore';
import { throwIfAborted, UserError } from '../../core/util/errors';
import { pairStats, sideStats, sortDrift } from './diffStatistics';

export interface DiffContext {
  /** Workspace folder the refs are relative to. */
  readonly root: string;
  readonly store?: RunStore;
  readonly tempDir?: string;
}

export interface DiffRunOptions {
  readonly signal?: AbortSignal;
  /** Plain-words progress; `fraction` in [0, 1] when the engine knows it. */
  readonly onProgress?: (message: string, fraction?: number) => void;
  readonly now?: () => number;
}

/** The most rows one `requestRows` answer carries, whatever the page asks for. */
export const MAX_PAGE_ROWS = 500;

const PHASES: Readonly<Record<DiffProgress['phase'], string>> = {
  reading: 'Reading the files',
  partitioning: 'Partitioning rows',
  comparing: 'Comparing rows',
  statistics: 'Computing statistics',
};

/** A finished diff: the summary the page gets, and the rows it pages through. */
export class DiffResult {
  constructor(
    readonly summary: DiffSummary,
    private readonly both: DatasetsDiff,
  ) {}

  /** The engine's result: the diff, the columns, and the changed rows to page through. */
  get fileDiff(): FileDiff {
    return this.both.fileDiff;
  }

  /** A window of changed rows; `limit` is capped at {@link MAX_PAGE_ROWS}, a filter column must exist. */
  page(offset: number, limit: number, filter: RowFilter) {
    const safeOffset = Number.isSafeInteger(offset) && offset > 0 ? offset : 0;
    const safeLimit = Number.isSafeInteger(limit) ? Math.min(Math.max(limit, 1), MAX_PAGE_ROWS) : MAX_PAGE_ROWS;
    const f: { kind?: RowChangeFilter['kind']; column?: string } = {};
    if (filter.kind === 'added' || filter.kind === 'removed' || filter.kind === 'modified') f.kind = filter.kind;
    if (typeof filter.column === 'string' && this.fileDiff.columns.includes(filter.column)) f.column = filter.column;
    return this.fileDiff.page(safeOffset, safeLimit, f);
  }

  /** Removes the spill file and temp copies; a second call does nothing. */
  dispose(): void {
    this.both.dispose();
  }
}

/** A side (A or B) could not be read: a file gone, a ref that does not resolve. Another key would not help. */
export class SideUnreadableError extends DatasetError {
  constructor(message: string) {
    super(message);
    this.name = 'SideUnreadableError';
  }
}

/**
 * One side as a file. A ref that no longer resolves says which side it is,
 * and a missing file says it is gone: the panel's refs come from pickers and
 * views that list existing data, so a missing file was deleted or moved since
 * (typically seen by a panel restored after a reload).
 */
async function materializeSide(side: DiffSideName, ref: DatasetRef, ctx: DiffContext): Promise<MaterializedDataset> {
  try {
    return await materializeDataset(ref, ctx);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    if (ref.kind === 'file' && !existsSync(datasetAbsPath(ctx.root, ref.path))) {
      throw new SideUnreadableError(`${side}: ${ref.path} is gone (no such file: deleted or moved since the diff was opened)`);
    }
    throw new SideUnreadableError(`${side}: ${e.message}`);
  }
}

/** Runs a diff of two dataset refs (text as the user or the serializer gave it): the shared `diffDatasets`, then the statistics. */
export async function runDatasetDiff(refA: string, refB: string, key: readonly string[], ctx: DiffContext, options: DiffRunOptions = {}): Promise<DiffResult> {
  const { signal, onProgress } = options;
  const now = options.now ?? Date.now;
  const started = now();
  const side = (text: string) => ({ ref: parseDatasetRef(text), ctx });
  const both = await diffDatasets(side(refA), side(refB), {
    key,
    signal,
    tempDir: ctx.tempDir,
    materialize: (name, ref) => materializeSide(name, ref, ctx),
    onSide: (name) => onProgress?.(`Reading ${name}`),
    onProgress: (p) => onProgress?.(PHASES[p.phase], p.total > 0 ? Math.min(1, p.done / p.total) : undefined),
  });
  try {
    const { a, b, fileDiff } = both;
    onProgress?.(PHASES.statistics);
    const [sa, sb] = [await sideStats(a.file, a.label, ctx.store, a.fingerprint), await sideStats(b.file, b.label, ctx.store, b.fingerprint)];
    throwIfAborted(signal);
    const d = fileDiff.diff;
    const notes = [sa, sb].flatMap((s) => (s.stats === null ? [s.reason] : []));
    const summary: DiffSummary = {
      a: { ref: refA, label: a.label, rows: d.rows.rowsA, fingerprint: a.fingerprint ?? (sa.stats ? sa.fingerprint : undefined) },
      b: { ref: refB, label: b.label, rows: d.rows.rowsB, fingerprint: b.fingerprint ?? (sb.stats ? sb.fingerprint : undefined) },
      mode: d.rows.mode,
      key: d.rows.key ?? [],
      counts: { added: d.rows.added, removed: d.rows.removed, modified: d.rows.modified, changedCells: d.rows.changedCells },
      identical: d.identical,
      schema: d.schema,
      columns: fileDiff.columns,
      comparedColumns: d.rows.comparedColumns,
      changedCellsByColumn: d.rows.changedCellsByColumn,
      statistics: pairStats(fileDiff.columns, d.schema, sa.stats, sb.stats),
      ...(notes.length > 0 ? { statisticsNote: notes.join('; ') } : {}),
      drift: sortDrift(d.drift),
      elapsedMs: now() - started,
      scannedOnWorkers: fileDiff.scannedOnWorkers,
    };
    return new DiffResult(summary, both);
  } catch (e) {
    both.dispose();
    throw e;
  }
}
