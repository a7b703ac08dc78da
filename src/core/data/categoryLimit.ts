import type { FeaturesConfig } from '../config/trainConfig';
import type { Frame } from './frame';
import { columnByName } from './frame';
import { CsvError, DataError, quoteValue } from './dataError';
import { formatCount } from '../util/memory';

/** Default of `data.features.max_categories`. */
export const DEFAULT_MAX_CATEGORIES = 1000;

/** Under the default, a column with more distinct values than this and than half the rows is an id or free text. */
const HALF_ROWS_FLOOR = 50;

/**
 * Refuses a categorical feature column with too many distinct values, before
 * it is one-hot encoded into as many columns (a column of session ids in a
 * million-row file would become a million-column matrix): more than
 * `data.features.max_categories` (default 1000) or, under the default, more
 * than half the rows (and more than 50). Counting stops once far over the
 * limit, so the message then says "more than".
 */
export function checkCategoryCounts(frame: Frame, features: readonly string[], config: FeaturesConfig | undefined, trim: boolean): void {
  const explicit = config?.max_categories;
  const limit = explicit ?? DEFAULT_MAX_CATEGORIES;
  const stopAt = Math.max(100_000, limit * 100);
  for (const name of features) {
    const col = columnByName(frame, name);
    if (col === undefined || col.type !== 'categorical') continue;
    const seen = new Set<string>();
    let stopped = false;
    for (const v of col.values) {
      if (v === null) continue;
      seen.add(trim ? v.trim() : v);
      if (seen.size > stopAt) {
        stopped = true;
        break;
      }
    }
    const n = seen.size;
    const halfRows = explicit === undefined && n > HALF_ROWS_FLOOR && n > frame.rows / 2;
    if (n <= limit && !halfRows) continue;
    const count = stopped ? `more than ${formatCount(stopAt)}` : formatCount(n);
    const why = n > limit
      ? `more than data.features.max_categories (${formatCount(limit)})`
      : `in ${formatCount(frame.rows)} rows: more than half the rows are distinct, as in an id or free text`;
    const fix = 'exclude it (data.features.exclude) or give it as a numeric feature' +
      (n > limit ? '' : ', or set data.features.max_categories to allow it');
    const reason = `column ${quoteValue(name)} has ${count} distinct values, ${why}: ${fix}`;
    const index = frame.columns.indexOf(col);
    throw frame.source !== undefined
      ? new CsvError({ file: frame.source, column: index + 1 }, reason)
      : new DataError(reason);
  }
}
