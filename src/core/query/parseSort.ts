import { QueryError } from './ast';
import type { SortKey } from './ast';
import { TokenCursor } from './tokenCursor';
import { column } from './tokenize';

/**
 * Parses an ORDER BY list such as `metrics.test_accuracy DESC, attributes.start_time`.
 * Each key is ascending unless followed by `DESC` or prefixed with `-`
 * (`-metrics.rmse`); `ASC` may be written. Blank text gives `[]`. Throws
 * `QueryError` pointing at the offending token.
 */
export function parseSort(text: string): SortKey[] {
  const cur = new TokenCursor(text);
  const keys: SortKey[] = [];
  if (cur.atEnd()) return keys;
  for (;;) {
    const minus = cur.peek().kind === '-' ? cur.next() : undefined;
    const field = cur.field();
    let descending = minus !== undefined;
    if (cur.isKeyword('asc') || cur.isKeyword('desc')) {
      const dir = cur.next();
      if (minus) {
        throw new QueryError(
          `"-" and ${dir.text.toUpperCase()} both give a direction at column ${column(minus.start)}: use one`,
          text, minus.start, dir.end,
        );
      }
      descending = dir.text.toLowerCase() === 'desc';
    }
    keys.push({ field, descending });
    const t = cur.next();
    if (t.kind === 'eof') return keys;
    if (t.kind !== ',') throw cur.unexpected(t, 'ASC, DESC, "," or the end of the sort');
  }
}
