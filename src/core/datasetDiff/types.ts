/**
 * The result of comparing two versions of a dataset. Plain JSON: no NaN,
 * no typed arrays, no Maps, so it can cross the webview and CLI boundaries.
 */
import type { ColumnType } from '../data/frame';

/** A cell as it appears in a diff: a number, a string, or null for missing (empty or NaN). */
export type DiffCell = number | string | null;

/** Columns that differ between A and B. Column order is ignored. */
export interface SchemaDiff {
  /** In B only (after renames are taken out). */
  readonly added: { readonly name: string; readonly type: ColumnType }[];
  /** In A only (after renames are taken out). */
  readonly removed: { readonly name: string; readonly type: ColumnType }[];
  /** A column of A found in B under another name with every value equal (see `detectRenames`). */
  readonly renamed: { readonly from: string; readonly to: string }[];
  /** Same name, different inferred type. */
  readonly typeChanged: { readonly name: string; readonly before: ColumnType; readonly after: ColumnType }[];
}

/** One changed cell of a row present in both files (keyed diff only). */
export interface CellChange {
  /** The key values of the row, in the order of `options.key`. */
  readonly key: DiffCell[];
  /** The column name in B (its name in A differs only when renamed). */
  readonly column: string;
  readonly before: DiffCell;
  readonly after: DiffCell;
}

/** A row present in one file only. */
export interface RowRef {
  /** 1-based physical line in its file where the row starts, when known. */
  readonly line?: number;
  /** Keyed diff: the key values. */
  readonly key?: DiffCell[];
  /** Unkeyed diff: the row's values by column name (compared columns only). */
  readonly values?: Record<string, DiffCell>;
}

/**
 * Row changes. Counts are exact; the example lists stop at
 * `exampleLimit` entries each.
 */
export interface RowDiff {
  /** 'key': rows matched by the key columns; 'hash': rows compared as a multiset of whole rows. */
  readonly mode: 'key' | 'hash';
  readonly key?: string[];
  readonly rowsA: number;
  readonly rowsB: number;
  readonly added: number;
  readonly removed: number;
  /** Keyed only: rows in both files with at least one changed cell. */
  readonly modified: number;
  /** Keyed only: changed cells in all modified rows. */
  readonly changedCells: number;
  /** Keyed only: changed cells per column (columns with none are left out). */
  readonly changedCellsByColumn: Record<string, number>;
  readonly addedRows: RowRef[];
  readonly removedRows: RowRef[];
  readonly cellChanges: CellChange[];
  readonly exampleLimit: number;
  /** Columns the rows were compared on (common columns, B's names). */
  readonly comparedColumns: string[];
}

/** One per-column statistic that differs between A and B. */
export interface StatChange {
  readonly column: string;
  readonly stat: 'missing' | 'mean' | 'std' | 'min' | 'max' | 'distinct' | 'true' | 'false';
  readonly before: number | null;
  readonly after: number | null;
}

/** Plain-words size of a distribution change; the thresholds are in `drift.ts`. */
export type DriftVerdict = 'none' | 'moderate' | 'large';

export interface DriftMeasure {
  readonly value: number;
  readonly verdict: DriftVerdict;
}

/** Distribution drift of one column present in both files with the same type. */
export interface ColumnDrift {
  readonly column: string;
  readonly kind: 'numeric' | 'categorical';
  /** Population stability index (missing values left out). */
  readonly psi: DriftMeasure;
  /** Numeric only: two-sample Kolmogorov–Smirnov D. */
  readonly ks?: DriftMeasure;
  /** Categorical only: chi-square test of homogeneity (no continuity correction); verdict from Cramér's V. */
  readonly chiSquare?: DriftMeasure & { readonly pValue: number; readonly dof: number; readonly cramersV: number };
  /**
   * Categorical only: categories found in B but not in A (`added`) and in A
   * but no longer in B (`removed`), the first `CATEGORY_NAMES_SHOWN` of each
   * by count, with their totals. Any of them makes the verdict at least moderate.
   */
  readonly categories?: CategoryChanges;
  /** The worst of the verdicts above. */
  readonly verdict: DriftVerdict;
}

export interface CategoryChanges {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly addedCount: number;
  readonly removedCount: number;
}

/** A column drift is not computed for: the key, or a column of one distinct value per row. */
export interface DriftSkipped {
  readonly column: string;
  readonly reason: 'key' | 'id-like';
}

export interface DatasetDiff {
  /** How A and B are named (paths, or the frames' sources). */
  readonly a: string;
  readonly b: string;
  readonly schema: SchemaDiff;
  readonly rows: RowDiff;
  readonly stats: StatChange[];
  readonly drift: ColumnDrift[];
  /** Columns left out of `drift`: their changes are row changes (see idColumns.ts). */
  readonly driftSkipped?: DriftSkipped[];
  /** True when nothing above differs (no schema, row or statistic change). */
  readonly identical: boolean;
}

export interface DiffOptions {
  /** Key columns (names as in both files). Without a key, rows are compared as a multiset. */
  readonly key?: readonly string[];
  /** Cap on each example list (added, removed, cell changes). Default 1,000. */
  readonly exampleLimit?: number;
}
