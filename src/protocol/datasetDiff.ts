/**
 * Messages between the dataset-diff panel host (`src/extension/datasetDiff`)
 * and its page (`webview/datasetDiff`). Type-only: no runtime code, no vscode
 * or node import. Payloads are JSON.
 *
 * Handshake: the page posts `ready` first; the host holds everything until
 * then and answers with `start` (the refs being compared, which the page
 * saves for the serializer), `progress` while the engine runs, then either
 * `summary` or `error`. Changed rows never travel whole: the page asks for
 * windows of them with `requestRows` as the user scrolls, and the host answers
 * each with `rows`. Both receivers end their switch in `assertNever`.
 */
import type { ColumnStats } from '../core/data/fingerprint';
import type { RowChange, RowChangeKind } from '../core/datasetDiff/diffFiles';
import type { ColumnDrift, SchemaDiff } from '../core/datasetDiff/types';

/*
 * The diff engine's result types travel to the page unchanged: the core
 * defines them (it produces them, and the core imports nothing above it) and
 * they are plain JSON by contract (see `core/datasetDiff/types.ts`). The
 * protocol re-exports the ones the page reads, so the page imports only this
 * file and a change to one of them is a change to the protocol.
 */
export type { ColumnStats } from '../core/data/fingerprint';
export type { RowChange, RowChangeKind } from '../core/datasetDiff/diffFiles';
export type { ColumnDrift, DiffCell, DriftVerdict, SchemaDiff } from '../core/datasetDiff/types';

/** One side of the diff. */
export interface DiffSide {
  /** The dataset ref as text (`data/train.csv`, `sha256:…`, `data/train.csv@HEAD~3`). */
  readonly ref: string;
  /** How the side is named in the page (the materialized dataset's label). */
  readonly label: string;
  readonly rows: number;
  /** Content fingerprint when known (recorded versions, or hashed for the statistics). */
  readonly fingerprint?: string;
}

/** Per-column statistics of both versions side by side; null where the column is absent on that side. */
export interface ColumnStatsPair {
  readonly column: string;
  readonly a: ColumnStats | null;
  readonly b: ColumnStats | null;
}

/** Everything about the diff except the changed rows themselves. */
export interface DiffSummary {
  readonly a: DiffSide;
  readonly b: DiffSide;
  /** 'key': rows matched by `key`; 'hash': whole rows compared as a multiset. */
  readonly mode: 'key' | 'hash';
  readonly key: readonly string[];
  readonly counts: { readonly added: number; readonly removed: number; readonly modified: number; readonly changedCells: number };
  readonly identical: boolean;
  readonly schema: SchemaDiff;
  /** Columns of the changed-rows table, in display order (B's order, then A-only columns). */
  readonly columns: readonly string[];
  /** Columns the rows were compared on (the column filter offers these). */
  readonly comparedColumns: readonly string[];
  /** Keyed only: changed cells per column. */
  readonly changedCellsByColumn: Readonly<Record<string, number>>;
  readonly statistics: readonly ColumnStatsPair[];
  /** Why statistics are missing for a side (e.g. a file too large to load whole), if they are. */
  readonly statisticsNote?: string;
  /** Sorted by severity: large first, then by PSI. */
  readonly drift: readonly ColumnDrift[];
  readonly elapsedMs: number;
  /** Both files were scanned on worker threads (files from 4 MB), not on the extension host's thread. */
  readonly scannedOnWorkers: boolean;
}

/** Which changed rows the page wants: one kind, rows touching one column, or all. */
export interface RowFilter {
  readonly kind?: RowChangeKind;
  readonly column?: string;
}

/** Host → page. */
export type HostToPage =
  /** A diff (re)starts: the refs, which the page keeps in its state for the serializer. */
  | { readonly type: 'start'; readonly refA: string; readonly refB: string; readonly key: readonly string[] }
  /** The engine's progress while it runs. `fraction` in [0, 1] when known. */
  | { readonly type: 'progress'; readonly message: string; readonly fraction?: number }
  | { readonly type: 'summary'; readonly summary: DiffSummary }
  /** Answer to `requestRows` (the page ignores answers to requests it superseded). */
  | { readonly type: 'rows'; readonly requestId: number; readonly total: number; readonly offset: number; readonly rows: readonly RowChange[] }
  /** The diff failed or was cancelled: a one-line message for the user. */
  | { readonly type: 'error'; readonly message: string; /** Offer "Change key…" (not when a side could not be read). */ readonly changeKey: boolean };

export type ExportFormat = 'csv' | 'markdown';

/** Page → host. */
export type PageToHost =
  /** The page's listener is installed. Always the first message. */
  | { readonly type: 'ready' }
  /** A window of changed rows under a filter. The host caps `limit`. */
  | { readonly type: 'requestRows'; readonly requestId: number; readonly offset: number; readonly limit: number; readonly filter: RowFilter }
  /** `markdown` + `untitled`: open as an untitled document; otherwise a save dialog. */
  | { readonly type: 'export'; readonly format: ExportFormat; readonly destination: 'file' | 'untitled' }
  /** Run the diff again (after an error or a cancel). */
  | { readonly type: 'rerun' }
  /** Pick other key columns and diff again. */
  | { readonly type: 'changeKey' }
  /** An uncaught error in the page, for the RunLens log. */
  | { readonly type: 'pageError'; readonly message: string };

/** What the page keeps with `setState`; the serializer re-runs the diff from it after a reload. */
export interface DatasetDiffPageState {
  readonly refA: string;
  readonly refB: string;
  readonly key: readonly string[];
  readonly filter: RowFilter;
  /** Sections the user collapsed. */
  readonly collapsed: readonly string[];
}
