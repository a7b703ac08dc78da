import type { Task } from '../models/model';
import type { Frame } from './frame';
import { columnByName, columnNames } from './frame';
import { CsvError, quoteValue, showNames } from './dataError';

/** Most distinct values an integer-valued target may have and still be read as class labels. */
export const MAX_INFERRED_CLASSES = 20;

/**
 * Guesses the task from the target column (a config's `task` overrides it):
 * - categorical or boolean target: classification;
 * - numeric target with any non-integer value: regression;
 * - integer-valued target: classification when it has at most 20 distinct
 *   values and at most half as many distinct values as rows (so each class
 *   has two rows on average); regression otherwise. Class codes 0..9 are
 *   classification; counts, prices and ages with many values are regression.
 * Missing values are ignored.
 */
export function inferTask(frame: Frame, target: string): Task {
  const col = columnByName(frame, target);
  if (col === undefined) throw targetMissingError(frame, target);
  if (col.type !== 'numeric') return 'classification';
  const distinct = new Set<number>();
  let n = 0;
  for (const v of col.values) {
    if (Number.isNaN(v)) continue;
    if (!Number.isInteger(v)) return 'regression';
    n++;
    distinct.add(v);
  }
  return distinct.size <= MAX_INFERRED_CLASSES && distinct.size <= n / 2 ? 'classification' : 'regression';
}

/** The error for a target column that is not in the file, listing the columns that are. */
export function targetMissingError(frame: Frame, target: string): CsvError {
  const file = frame.source ?? '<data>';
  return new CsvError({ file },
    `target column ${quoteValue(target)} not found; the columns are: ${showNames(columnNames(frame))}`);
}
