import { parseNumberText } from './numberParse';

/**
 * How a CSV cell's text is read: missing markers, booleans, numbers, text.
 * Shared by the CSV reader and by `frameFromRecords`, so a value means the
 * same in a file and in a serving request.
 */

/** Cell texts that mean "no value" (compared after trimming whitespace). */
export const MISSING_MARKERS: ReadonlySet<string> = new Set(['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', 'None']);

export const CELL_MISSING = 0;
export const CELL_NUMBER = 1;
export const CELL_TRUE = 2;
export const CELL_FALSE = 3;
export const CELL_TEXT = 4;
export type CellKind = typeof CELL_MISSING | typeof CELL_NUMBER | typeof CELL_TRUE | typeof CELL_FALSE | typeof CELL_TEXT;

/**
 * Classifies one decoded cell. Surrounding whitespace is ignored for the
 * decision (like pandas' number parsing); a number's value is left in
 * `cellNumber` so the hot path allocates nothing.
 */
export function classifyCell(text: string): CellKind {
  const t = text.length > 0 && (isSpace(text.charCodeAt(0)) || isSpace(text.charCodeAt(text.length - 1))) ? text.trim() : text;
  if (MISSING_MARKERS.has(t)) return CELL_MISSING;
  const n = t.length;
  if (n <= 5) {
    const lower = t.toLowerCase();
    if (lower === 'true' || lower === 'yes') return CELL_TRUE;
    if (lower === 'false' || lower === 'no') return CELL_FALSE;
  }
  const v = parseNumberText(t);
  if (v !== undefined) {
    cellNumber.value = v;
    return CELL_NUMBER;
  }
  return CELL_TEXT;
}

/** The value of the last cell `classifyCell` found to be a number. */
export const cellNumber = { value: 0 };

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 160 || c === 0xfeff || (c >= 10 && c <= 13);
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** A quoted field decoded by `readQuotedField`. */
export interface QuotedField {
  readonly text: string;
  /** Index of the byte after the field: a delimiter, a line break or the end. */
  readonly end: number;
  /** Line breaks inside the field, to keep physical line numbers right. */
  readonly lineBreaks: number;
}

/**
 * Reads a field starting with `"` at `pos`. `""` inside is one quote;
 * delimiters and line breaks inside are data. Bytes after the closing quote
 * up to the next delimiter are kept as text (as pandas does). Returns
 * undefined when the quote is never closed.
 */
export function readQuotedField(buf: Buffer, pos: number, limit: number, delim: number): QuotedField | undefined {
  let start = pos + 1;
  let text = '';
  let lineBreaks = 0;
  for (;;) {
    const q = buf.indexOf(QUOTE, start);
    if (q < 0 || q >= limit) return undefined;
    lineBreaks += countLineBreaks(buf, start, q);
    if (q + 1 < limit && buf[q + 1] === QUOTE) {
      text += buf.toString('utf8', start, q + 1);
      start = q + 2;
      continue;
    }
    text += buf.toString('utf8', start, q);
    let end = q + 1;
    while (end < limit) {
      const c = buf[end];
      if (c === delim || c === LF || c === CR) break;
      end++;
    }
    if (end > q + 1) text += buf.toString('utf8', q + 1, end);
    return { text, end, lineBreaks };
  }
}

/** Counts line breaks (LF, CRLF or a lone CR) in `buf[start, end)`. */
export function countLineBreaks(buf: Uint8Array, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (c === LF) n++;
    else if (c === CR && (i + 1 >= end || buf[i + 1] !== LF)) n++;
  }
  return n;
}

/** Index of the first delimiter or line break at or after `pos` (or `limit`). */
export function unquotedFieldEnd(buf: Uint8Array, pos: number, limit: number, delim: number): number {
  let i = pos;
  while (i < limit) {
    const c = buf[i];
    if (c === delim || c === LF || c === CR) return i;
    i++;
  }
  return limit;
}
