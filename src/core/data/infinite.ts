import type { InfiniteStrategy } from '../config/trainConfig';
import type { Column, Frame, NumericColumn } from './frame';
import { columnByName, rowLine } from './frame';
import { CsvError, DataError, quoteValue } from './dataError';
import { withRows } from './clean';

/**
 * Infinite numbers in the data: `inf`, `-Infinity`, or a number too large
 * for a double (`1e400`) in a numeric column. No model can learn from them,
 * so by default the first one is an error at its file, line and column;
 * `data.clean.infinite` says what to do instead:
 * - `drop`: rows with an infinite value in a used column are dropped;
 * - `missing`: the value becomes missing, so `data.clean.missing` applies;
 * - `clip`: a feature value is clipped to its column's finite minimum /
 *   maximum on the training rows (learnt by the preprocessor, so serving
 *   clips the same way). A target cannot be clipped: an infinite target is
 *   still an error then.
 */
export type ResolvedInfinite = InfiniteStrategy | 'error';

/** What `applyInfinite` did to one frame. */
export interface InfiniteOutcome {
  readonly frame: Frame;
  /** Rows dropped under `drop`. */
  readonly dropped: number;
}

/**
 * Applies the strategy to the used numeric columns (`features` and the
 * `target`) of a frame as read, before it is split: an error cites the
 * earliest line, not a row of a shuffled split.
 */
export function applyInfinite(frame: Frame, features: readonly string[], target: string, strategy: ResolvedInfinite): InfiniteOutcome {
  const used = [...features, target];
  switch (strategy) {
    case 'error': {
      const at = firstInfinite(frame, used);
      if (at) throw infiniteError(frame, at, 'set data.clean.infinite to drop, clip or missing');
      return { frame, dropped: 0 };
    }
    case 'clip': {
      const at = firstInfinite(frame, [target]);
      if (at) throw infiniteError(frame, at, 'a target cannot be clipped; use data.clean.infinite: drop or missing');
      return { frame, dropped: 0 };
    }
    case 'drop': {
      const cols = numericColumns(frame, used);
      const keep: number[] = [];
      for (let r = 0; r < frame.rows; r++) if (!cols.some((c) => isInfinite(c.values[r]))) keep.push(r);
      return keep.length === frame.rows ? { frame, dropped: 0 } : { frame: withRows(frame, keep), dropped: frame.rows - keep.length };
    }
    case 'missing':
      return { frame: infiniteToMissing(frame, used), dropped: 0 };
  }
}

/** The frame with ±Infinity replaced by NaN (missing) in the named numeric columns; the same object when there is none. */
function infiniteToMissing(frame: Frame, names: readonly string[]): Frame {
  const wanted = new Set(numericColumns(frame, names));
  let changed = false;
  const columns = frame.columns.map((col): Column => {
    if (!wanted.has(col as NumericColumn) || !(col.values as Float64Array).some(isInfinite)) return col;
    changed = true;
    return { ...col, values: (col.values as Float64Array).map((v) => (isInfinite(v) ? NaN : v)) } as NumericColumn;
  });
  return changed ? { ...frame, columns } : frame;
}

function numericColumns(frame: Frame, names: readonly string[]): NumericColumn[] {
  return names.map((n) => columnByName(frame, n)).filter((c): c is NumericColumn => c !== undefined && c.type === 'numeric');
}

function isInfinite(v: number): boolean {
  return v === Infinity || v === -Infinity;
}

/** The earliest row holding an infinite value in the named columns, and its leftmost such column. */
function firstInfinite(frame: Frame, names: readonly string[]): { row: number; col: NumericColumn } | undefined {
  const cols = numericColumns(frame, names).sort((a, b) => frame.columns.indexOf(a) - frame.columns.indexOf(b));
  let best: { row: number; col: NumericColumn } | undefined;
  for (const col of cols) {
    const limit = best?.row ?? frame.rows;
    for (let r = 0; r < limit; r++) {
      if (isInfinite(col.values[r])) {
        best = { row: r, col };
        break;
      }
    }
  }
  return best;
}

function infiniteError(frame: Frame, at: { row: number; col: NumericColumn }, fix: string): DataError {
  const v = at.col.values[at.row];
  const reason = `${v} is not a usable value (inf, Infinity, or a number too large for a double such as 1e400); ${fix}`;
  if (frame.source === undefined) return new DataError(`row ${at.row + 1}, column ${quoteValue(at.col.name)}: ${reason}`);
  return new CsvError({ file: frame.source, line: rowLine(frame, at.row), column: frame.columns.indexOf(at.col) + 1, columnName: at.col.name }, reason);
}
