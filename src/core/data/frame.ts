/**
 * The in-memory table every part of the data pipeline passes around.
 *
 * Columns are stored column-major: numeric and boolean columns as a
 * Float64Array (NaN marks a missing value; booleans are 0/1), categorical
 * columns as an array of strings with `null` for missing. Column-major keeps
 * numeric work (statistics, scaling, tree split search) cache friendly and
 * avoids boxing a number per cell.
 */
export type ColumnType = 'numeric' | 'categorical' | 'boolean';

export interface NumericColumn {
  readonly name: string;
  readonly type: 'numeric' | 'boolean';
  readonly values: Float64Array;
  /**
   * A boolean column read from a CSV: each cell's text as written ("yes",
   * "True"), as `words[codes[row] - 1]` (code 0: missing), one byte a row. A
   * classification target keeps these as its labels (`labelColumn`); row
   * selections drop them.
   */
  readonly texts?: BooleanTexts;
}

/** The distinct texts of a boolean column and, per row, 1 + the index of its text (0 where missing). */
export interface BooleanTexts {
  readonly words: readonly string[];
  readonly codes: Uint8Array;
}

export interface CategoricalColumn {
  readonly name: string;
  readonly type: 'categorical';
  readonly values: (string | null)[];
}

export type Column = NumericColumn | CategoricalColumn;

export interface Frame {
  readonly columns: readonly Column[];
  readonly rows: number;
  /** The file the frame was read from, for error messages. */
  readonly source?: string;
}

/** A dense row-major matrix of features, the input of every model. */
export interface DenseMatrix {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

export function columnByName(frame: Frame, name: string): Column | undefined {
  return frame.columns.find((c) => c.name === name);
}

/** The frame's column names, in order. */
export function columnNames(frame: Frame): string[] {
  return frame.columns.map((c) => c.name);
}

/**
 * A new frame holding the given rows, in the given order (indices may
 * repeat). Column types and the source are kept.
 */
export function takeRows(frame: Frame, indices: ArrayLike<number>): Frame {
  const n = indices.length;
  const columns = frame.columns.map((col): Column => {
    if (col.type === 'categorical') {
      const values = new Array<string | null>(n);
      for (let i = 0; i < n; i++) values[i] = col.values[indices[i]];
      return { name: col.name, type: col.type, values };
    }
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = col.values[indices[i]];
    return { name: col.name, type: col.type, values };
  });
  return { columns, rows: n, ...(frame.source !== undefined ? { source: frame.source } : {}) };
}

/** True when the cell is missing (NaN in a numeric or boolean column, null in a categorical one). */
export function isMissing(col: Column, row: number): boolean {
  const v = col.values[row];
  return v === null || (typeof v === 'number' && Number.isNaN(v));
}

/**
 * 1-based physical line of a row in `frame.source`, when the frame was read
 * from a file (a CSV frame carries `lines`, kept through row selections).
 */
export function rowLine(frame: Frame, row: number): number | undefined {
  return (frame as { readonly lines?: Uint32Array }).lines?.[row];
}
