import { CsvError } from './dataError';
import { readQuotedField, unquotedFieldEnd } from './csvCells';
import { buildColumns } from './csvColumns';
import type { CsvColumnInfo, InferredType } from './csvColumns';
import { RowScanner, lastRowEnd } from './csvScan';
import { sniffDelimiter } from './csvSniff';
import type { Column } from './frame';

const LF = 10;
const CR = 13;
const QUOTE = 34;

/** What `CsvStreamParser.finish` produces; `csvReader` wraps it into a `CsvFrame`. */
export interface ParsedCsv {
  readonly columns: Column[];
  readonly info: CsvColumnInfo[];
  readonly inferredTypes: Record<string, InferredType>;
  readonly rows: number;
  readonly lines: Uint32Array;
  readonly delimiter: number;
}

/**
 * Parses a CSV file fed as consecutive byte regions (a whole buffer at
 * once, or chunks of a file). `feed` consumes complete rows and returns how
 * far it got; the caller keeps the rest and feeds it again with more bytes.
 */
export class CsvStreamParser {
  private scanner: RowScanner | undefined;
  private header: string[] = [];
  private headerLine = 1;
  private delim = 0;

  constructor(
    private readonly file: string,
    private readonly opts: { readonly delimiter?: string; readonly totalBytes?: number },
  ) {}

  /**
   * Consumes the complete rows of `buf[start, end)`; `fileOffset` is the file
   * position of `buf[0]`, `eof` says no bytes follow `end`. Returns the index
   * of the first byte not consumed (always `end` when `eof`).
   */
  feed(buf: Buffer, start: number, end: number, fileOffset: number, eof: boolean): number {
    let pos = start;
    if (this.scanner === undefined) {
      pos = this.readHeaderLine(buf, pos, end, fileOffset, eof);
      if (pos < 0) return start; // the header line is not complete yet
    }
    const scanner = this.scanner as RowScanner;
    const stop = eof ? end : lastRowEnd(buf, pos, end, this.delim);
    if (stop <= pos) return pos;
    scanner.scan(buf, pos, stop, fileOffset);
    return stop;
  }

  /** Builds the columns. `wholeFile` gives the file's bytes again, needed only for categorical columns that also hold numbers. */
  finish(wholeFile: () => Buffer): ParsedCsv {
    const scanner = this.scanner;
    if (scanner === undefined) throw new CsvError({ file: this.file, line: 1 }, 'the file is empty (no header row)');
    if (scanner.rows === 0) {
      throw new CsvError({ file: this.file, line: this.headerLine },
        `header only, no data rows (columns: ${this.header.join(', ')})`);
    }
    const { columns, info } = buildColumns(scanner, this.header, wholeFile, this.delim);
    const inferredTypes: Record<string, InferredType> = {};
    for (const i of info) inferredTypes[i.name] = i.inferred;
    const lines = scanner.lines.length === scanner.rows ? scanner.lines : scanner.lines.slice(0, scanner.rows);
    return { columns, info, inferredTypes, rows: scanner.rows, lines, delimiter: this.delim };
  }

  /**
   * Skips BOM and blank lines, sniffs the delimiter, reads the header and
   * creates the row scanner; returns where the data rows start, or -1 when
   * the header line is not complete in `buf[start, end)` yet.
   */
  private readHeaderLine(buf: Buffer, start: number, end: number, fileOffset: number, eof: boolean): number {
    const file = this.file;
    let pos = start;
    if (fileOffset + pos === 0) {
      if (end - pos >= 2 && ((buf[pos] === 0xff && buf[pos + 1] === 0xfe) || (buf[pos] === 0xfe && buf[pos + 1] === 0xff))) {
        throw new CsvError({ file, line: 1 }, 'the file is UTF-16; save it as UTF-8');
      }
      if (end - pos >= 3 && buf[pos] === 0xef && buf[pos + 1] === 0xbb && buf[pos + 2] === 0xbf) pos += 3;
    }
    let line = 1;
    // Blank (or all-space) lines before the header are skipped but counted.
    for (let k = pos; k < end; k++) {
      const c = buf[k];
      if (c === LF || c === CR) {
        if (c === LF || k + 1 >= end || buf[k + 1] !== LF) line++;
        pos = k + 1;
      } else if (c !== 32 && c !== 9) {
        break;
      }
    }
    if (isBlank(buf, pos, end)) {
      if (eof) throw new CsvError({ file, line: 1 }, 'the file is empty (no header row)');
      return -1;
    }
    const delim = this.opts.delimiter !== undefined ? this.opts.delimiter.charCodeAt(0) : sniffDelimiter(buf, pos, end);
    if (!eof && lastRowEnd(buf, pos, end, delim) < 0) return -1;
    this.delim = delim;
    this.headerLine = line;
    const head = readHeader(buf, pos, end, this.delim, file, line);
    this.header = head.names;
    checkDuplicates(this.header, file, line);
    line += head.lineBreaks;
    pos = head.end;
    if (pos < end) {
      pos += buf[pos] === CR && pos + 1 < end && buf[pos + 1] === LF ? 2 : 1;
      line++;
    }
    // Size the columns from the file size and the density of the first chunk's lines.
    let capacity = 1;
    for (let i = buf.indexOf(LF, pos); i >= 0 && i < end; i = buf.indexOf(LF, i + 1)) capacity++;
    const total = this.opts.totalBytes;
    if (total !== undefined && !eof && capacity > 1) capacity = (capacity * (total - fileOffset - pos)) / (end - pos) * 1.1 + 16;
    this.scanner = new RowScanner(this.header, this.delim, file, line, capacity);
    return pos;
  }
}

/** Header names: trimmed; an empty name becomes `Unnamed: i` (0-based), as pandas names it. */
function readHeader(buf: Buffer, start: number, end: number, delim: number, file: string, line: number):
  { names: string[]; end: number; lineBreaks: number } {
  const names: string[] = [];
  let pos = start;
  let lineBreaks = 0;
  for (;;) {
    let text: string;
    if (pos < end && buf[pos] === QUOTE) {
      const f = readQuotedField(buf, pos, end, delim);
      if (f === undefined) {
        throw new CsvError({ file, line: line + lineBreaks, column: names.length + 1 },
          'unterminated quoted field in the header: the quote opened here is never closed');
      }
      text = f.text;
      lineBreaks += f.lineBreaks;
      pos = f.end;
    } else {
      const fe = unquotedFieldEnd(buf, pos, end, delim);
      text = buf.toString('utf8', pos, fe);
      pos = fe;
    }
    const name = text.trim();
    names.push(name === '' ? `Unnamed: ${names.length}` : name);
    if (pos < end && buf[pos] === delim) {
      pos++;
      continue;
    }
    return { names, end: pos, lineBreaks };
  }
}

function checkDuplicates(header: readonly string[], file: string, line: number): void {
  const seen = new Map<string, number>();
  header.forEach((name, i) => {
    const first = seen.get(name);
    if (first !== undefined) {
      throw new CsvError({ file, line, column: i + 1, columnName: name },
        `duplicate column name "${name}" (columns ${first + 1} and ${i + 1})`);
    }
    seen.set(name, i);
  });
}

/** True when nothing but whitespace is in `buf[pos, end)`. */
function isBlank(buf: Buffer, pos: number, end: number): boolean {
  for (let i = pos; i < end; i++) {
    const c = buf[i];
    if (c !== LF && c !== CR && c !== 32 && c !== 9) return false;
  }
  return true;
}
