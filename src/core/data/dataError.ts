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
  if (loc.columnName !== undefined) s += ` (column "${loc.columnName}")`;
  return s;
}

/** Quotes a cell value for an error message, shortened so the message stays one line. */
export function quoteValue(text: string): string {
  const oneLine = text.replace(/\r?\n|\r/g, '\\n');
  return JSON.stringify(oneLine.length > 40 ? `${oneLine.slice(0, 37)}...` : oneLine);
}
