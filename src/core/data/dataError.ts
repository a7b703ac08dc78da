/**
 * Errors of the data pipeline. They describe a problem with the user's data
 * or data config (not a bug), so callers show the message as is.
 */
export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataError';
  }
}

/** Where in a data file a problem is. Lines and columns are 1-based. */
export interface CsvLocation {
  /** The file as the user wrote it (e.g. relative to the config). */
  readonly file: string;
  /** Physical line in the file (counting lines inside quoted fields). */
  readonly line?: number;
  /** 1-based field index within the row. */
  readonly column?: number;
  /** Header name of that field, when the field has one. */
  readonly columnName?: string;
}

/**
 * A problem located in a CSV file. The message is one line, prefixed with
 * the location the way compilers print it, so editors can link it:
 * `data/iris.csv:14:3 (column "petal_width"): not a number: "abc"`.
 */
export class CsvError extends DataError implements CsvLocation {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  readonly columnName?: string;
  /** The message without the location prefix. */
  readonly reason: string;

  constructor(location: CsvLocation, reason: string) {
    super(`${formatLocation(location)}: ${reason}`);
    this.name = 'CsvError';
    this.file = location.file;
    this.line = location.line;
    this.column = location.column;
    this.columnName = location.columnName;
    this.reason = reason;
  }
}

function formatLocation(loc: CsvLocation): string {
  let s = loc.file;
  if (loc.line !== undefined) {
    s += `:${loc.line}`;
    if (loc.column !== undefined) s += `:${loc.column}`;
  }
  if (loc.columnName !== undefined) s += ` (column ${quoteValue(loc.columnName)})`;
  return s;
}

/**
 * Most characters of file content one quoted excerpt may show in a message.
 * Errors are stored with the run and shown in the editor: a data path that
 * points at a secret must not copy the secret into them.
 */
export const EXCERPT_CHARS = 40;

/** Characters shown as escapes: C0/C1 controls, line and paragraph separators, bidi controls, the BOM. */
const UNSAFE_CHAR = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/;

/** One character as it appears inside a quoted excerpt. */
function escapeChar(ch: string): string {
  if (ch === '"') return '\\"';
  if (ch === '\\') return '\\\\';
  if (!UNSAFE_CHAR.test(ch)) return ch;
  const json = JSON.stringify(ch).slice(1, -1);
  return json.startsWith('\\') ? json : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * Quotes file content (a cell, a header name, a line) for an error message:
 * double-quoted, control characters escaped (`\n`, `\u0000`), and at most
 * `max` characters between the quotes, cut with `...` (never inside an escape).
 */
export function quoteValue(text: string, max = EXCERPT_CHARS): string {
  const pieces: string[] = [];
  let length = 0;
  for (const ch of text) {
    const e = escapeChar(ch);
    pieces.push(e);
    length += e.length;
    if (length > max) break;
  }
  if (length <= max) return `"${pieces.join('')}"`;
  let out = '';
  for (const p of pieces) {
    if (out.length + p.length > max - 3) break;
    out += p;
  }
  return `"${out}..."`;
}

/** A column name for a message: as it is when plain (printable, no quotes, short), else quoted and escaped. */
export function showName(name: string): string {
  return name.length <= EXCERPT_CHARS && /^[^"\\,]*$/.test(name) && !UNSAFE_CHAR.test(name) && !/[\ud800-\udfff]/.test(name)
    ? name
    : quoteValue(name);
}

/** Characters of column names one list may show before it says how many more there are. */
const LIST_CHARS = 120;

/**
 * Column names for a message, e.g. `a, b, c` or `a, b, … and 37 more`: each
 * shown with `showName`, the list cut once it passes about 120 characters.
 */
export function showNames(names: readonly string[], maxChars = LIST_CHARS): string {
  const shown: string[] = [];
  let length = 0;
  for (const name of names) {
    const s = showName(name);
    if (shown.length > 0 && length + 2 + s.length > maxChars) return `${shown.join(', ')}, … and ${names.length - shown.length} more`;
    shown.push(s);
    length += (shown.length > 1 ? 2 : 0) + s.length;
  }
  return shown.join(', ');
}
