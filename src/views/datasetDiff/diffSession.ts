/**
 * One dataset diff as the panel runs it: materialize both refs, run the
 * streaming engine, gather the statistics, and keep the `FileDiff` (its
 * spill file) until disposed. No vscode import: tested under plain Node with
 * real files and a real store; the panel is the VS Code edge around it.
 */
import { existsSync } from 'node:fs';
import type { DiffProgress, FileDiff, RowChangeFilter } from '../../core/datasetDiff/diffFiles';
import { diffCsvFiles } from '../../core/datasetDiff/diffFiles';
import { datasetAbsPath } from '../../datasets/datasetCatalog';
import { DatasetError } from '../../datasets/datasetError';
import type { DatasetRef } from '../../datasets/datasetRef';
import { parseDatasetRef } from '../../datasets/datasetRef';
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
  private disposed = false;

  constructor(
    readonly summary: DiffSummary,
    readonly fileDiff: FileDiff,
    private readonly sides: readonly MaterializedDataset[],
  ) {}

  /** A window of changed rows; `limit` is capped at {@link MAX_PAGE_ROWS}, a filter column must exist. */
  page(offset: number, limit: number, filter: RowFilter) {
    const safeOffset = Number.isSafeInteger(offset) && offset > 0 ? offset : 0;
    const safeLimit = Number.isSafeInteger(limit) ? Math.min(Math.max(limit, 1), MAX_PAGE_ROWS) : MAX_PAGE_ROWS;
    const f: { kind?: RowChangeFilter['kind']; column?: string } = {};
    if (filter.kind === 'added' || filter.kind === 'removed' || filter.kind === 'modified') f.kind = filter.kind;
    if (typeof filter.column === 'string' && this.fileDiff.columns.includes(filter.column)) f.column = filter.column;
    return this.fileDiff.page(safeOffset, safeLimit, f);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.fileDiff.dispose();
    for (const s of this.sides) s.dispose();
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
async function materializeSide(side: 'A' | 'B', ref: DatasetRef, ctx: DiffContext): Promise<MaterializedDataset> {
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

/** Runs a diff of two dataset refs (text as the user or the serializer gave it). */
export async function runDatasetDiff(refA: string, refB: string, key: readonly string[], ctx: DiffContext, options: DiffRunOptions = {}): Promise<DiffResult> {
  const { signal, onProgress } = options;
  const now = options.now ?? Date.now;
  const started = now();
  const [parsedA, parsedB] = [parseDatasetRef(refA), parseDatasetRef(refB)];
  const sides: MaterializedDataset[] = [];
  try {
    onProgress?.('Reading A');
    sides.push(await materializeSide('A', parsedA, ctx));
    throwIfAborted(signal);
    onProgress?.('Reading B');
    sides.push(await materializeSide('B', parsedB, ctx));
    throwIfAborted(signal);
    const [a, b] = sides;
    const fileDiff = await diffCsvFiles(a.file, b.file, {
      key: key.length > 0 ? key : undefined,
      signal,
      tempDir: ctx.tempDir,
      labels: { a: a.label, b: b.label },
      onProgress: (p) => onProgress?.(PHASES[p.phase], p.total > 0 ? Math.min(1, p.done / p.total) : undefined),
    });
    try {
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
      return new DiffResult(summary, fileDiff, sides);
    } catch (e) {
      fileDiff.dispose();
      throw e;
    }
  } catch (e) {
    for (const s of sides) s.dispose();
    throw e;
  }
}
