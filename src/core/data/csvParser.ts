import { CsvError, showNames } from './dataError';
import { buildColumns } from './csvColumns';
import type { CsvColumnInfo, InferredType } from './csvColumns';
import { RowScanner, lastRowEnd } from './csvScan';
import { readHeaderLine } from './csvHeader';
import { countLineBreaks } from './csvCells';
import type { Column } from './frame';

const LF = 10;
const CR = 13;

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
    this.refuseNul(buf, start, end);
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
        `header only, no data rows (columns: ${showNames(this.header)})`);
    }
    const { columns, info } = buildColumns(scanner, this.header, wholeFile, this.delim);
    const inferredTypes: Record<string, InferredType> = {};
    for (const i of info) inferredTypes[i.name] = i.inferred;
    const lines = scanner.lines.length === scanner.rows ? scanner.lines : scanner.lines.slice(0, scanner.rows);
    return { columns, info, inferredTypes, rows: scanner.rows, lines, delimiter: this.delim };
  }

  /**
   * A NUL byte never occurs in a text CSV: the file is binary, or text in
   * UTF-16/32 without a byte order mark. Read on, its bytes would become
   * column names and categories of garbage (and parts of error messages).
   */
  private refuseNul(buf: Buffer, start: number, end: number): void {
    const z = buf.indexOf(0, start);
    if (z < 0 || z >= end) return;
    // A UTF-16 byte order mark: the header reader says exactly that.
    if (this.scanner === undefined && (buf[start] === 0xff || buf[start] === 0xfe)) return;
    const line = (this.scanner?.line ?? 1) + countLineBreaks(buf, start, z);
    let lineStart = z;
    while (lineStart > start && buf[lineStart - 1] !== LF && buf[lineStart - 1] !== CR) lineStart--;
    const delim = this.delim || (this.opts.delimiter ?? ',').charCodeAt(0);
    let column = 1;
    for (let i = lineStart; i < z; i++) if (buf[i] === delim) column++;
    throw new CsvError({ file: this.file, line, column },
      'NUL byte: this is not a text CSV file (binary data, or text saved as UTF-16/UTF-32); save it as UTF-8');
  }

  /**
   * Skips BOM and blank lines, sniffs the delimiter, reads the header and
   * creates the row scanner; returns where the data rows start, or -1 when
   * the header line is not complete in `buf[start, end)` yet.
   */
  private readHeaderLine(buf: Buffer, start: number, end: number, fileOffset: number, eof: boolean): number {
    const file = this.file;
    const delimiter = this.opts.delimiter !== undefined ? this.opts.delimiter.charCodeAt(0) : undefined;
    const head = readHeaderLine(buf, start, end, { file, atFileStart: fileOffset + start === 0, eof, delimiter });
    if (head === undefined) return -1;
    this.delim = head.delimiter;
    this.headerLine = head.line;
    this.header = head.names;
    const pos = head.dataStart;
    const line = head.dataLine;
    // Size the columns from the file size and the density of the first chunk's lines.
    let capacity = 1;
    for (let i = buf.indexOf(LF, pos); i >= 0 && i < end; i = buf.indexOf(LF, i + 1)) capacity++;
    const total = this.opts.totalBytes;
    if (total !== undefined && !eof && capacity > 1) capacity = (capacity * (total - fileOffset - pos)) / (end - pos) * 1.1 + 16;
    this.scanner = new RowScanner(this.header, this.delim, file, line, capacity);
    return pos;
  }
}
