/**
 * Reads a CSV file batch by batch with the project's row scanner, for the
 * streaming diff. `CsvStreamParser` (core/data) builds whole-file columns;
 * the diff needs the rows of one chunk at a time and then drops them, so it
 * drives `RowScanner` itself. The header handling below follows
 * `CsvStreamParser.readHeaderLine` (BOM, UTF-16 refusal, blank lines before
 * the header, delimiter sniffing, pandas-style names, duplicate names).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { readQuotedField, unquotedFieldEnd } from '../data/csvCells';
import { RowScanner, lastRowEnd } from '../data/csvScan';
import { sniffDelimiter } from '../data/csvSniff';
import { CsvError } from '../data/dataError';

const LF = 10;
const CR = 13;
const QUOTE = 34;
/** Read size; one buffer reused for the whole file (as `readCsv` does). */
const CHUNK_BYTES = 2 * 1024 * 1024;

/** A data rows batch: the scanner holds `scanner.rows` rows; valid until the next batch. */
export interface CsvBatch {
  readonly scanner: RowScanner;
  /** Bytes of the file consumed so far. */
  readonly bytesDone: number;
}

/** An open CSV file: header read, data rows readable once with `batches()`. */
export class CsvBatchReader {
  readonly header: string[];
  readonly delimiter: number;
  readonly size: number;
  /** Reused for every batch; its per-column counters add up over the whole file. */
  private readonly scanner: RowScanner;
  private fd: number;
  private buf: Buffer;
  private start = 0;
  private end = 0;
  private bufOffset = 0;
  private eof = false;
  private firstLine = 1;

  /** Opens `path` and reads its header; `label` names the file in errors. Throws `CsvError`. */
  constructor(path: string, private readonly label: string) {
    try {
      this.fd = openSync(path, 'r');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new CsvError({ file: label }, code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? String(e)})`);
    }
    try {
      this.size = fstatSync(this.fd).size;
      this.buf = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, this.size + 1));
      const head = this.readHeader();
      this.header = head.names;
      this.delimiter = head.delim;
      this.scanner = new RowScanner(this.header, this.delimiter, label, this.firstLine, 16 * 1024);
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /** Rows counted by type over the batches read (cumulative), for type inference. */
  get counts(): { readonly missing: Int32Array; readonly bools: Int32Array; readonly others: Int32Array } {
    return this.scanner;
  }

  /** The data rows, batch by batch. Each batch is valid until the next one is asked for. */
  *batches(): Generator<CsvBatch> {
    const scanner = this.scanner;
    for (;;) {
      const stop = this.eof ? this.end : lastRowEnd(this.buf, this.start, this.end, this.delimiter);
      if (stop > this.start) {
        scanner.rows = 0;
        for (let c = 0; c < this.header.length; c++) {
          const texts = scanner.texts[c];
          if (texts === undefined) continue;
          texts.fill(undefined as unknown as string);
          scanner.textPool[c] = texts;
          scanner.texts[c] = undefined;
        }
        scanner.scan(this.buf, this.start, stop, 0);
        this.start = stop;
        if (scanner.rows > 0) yield { scanner, bytesDone: this.bufOffset + stop };
      }
      if (this.eof) return;
      this.fill();
    }
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  /** Moves unconsumed bytes to the front, grows the buffer when full, reads more. */
  private fill(): void {
    if (this.start > 0) {
      this.buf.copyWithin(0, this.start, this.end);
      this.bufOffset += this.start;
      this.end -= this.start;
      this.start = 0;
    }
    if (this.end === this.buf.length) {
      const bigger = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(bigger, 0, 0, this.end);
      this.buf = bigger;
    }
    const n = readSync(this.fd, this.buf, this.end, this.buf.length - this.end, this.bufOffset + this.end);
    this.end += n;
    this.eof = n === 0;
  }

  private readHeader(): { names: string[]; delim: number } {
    const file = this.label;
    for (;;) {
      this.fill();
      const { buf, end, eof } = this;
      let pos = 0;
      if (this.bufOffset === 0) {
        if (end >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))) {
          throw new CsvError({ file, line: 1 }, 'the file is UTF-16; save it as UTF-8');
        }
        if (end >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) pos = 3;
      }
      let line = 1;
      for (let k = pos; k < end; k++) {
        const c = buf[k];
        if (c === LF || c === CR) {
          if (c === LF || k + 1 >= end || buf[k + 1] !== LF) line++;
          pos = k + 1;
        } else if (c !== 32 && c !== 9) {
          break;
        }
      }
      let blank = true;
      for (let i = pos; i < end && blank; i++) blank = buf[i] === LF || buf[i] === CR || buf[i] === 32 || buf[i] === 9;
      if (blank) {
        if (eof) throw new CsvError({ file, line: 1 }, 'the file is empty (no header row)');
        continue;
      }
      const delim = sniffDelimiter(buf, pos, end);
      if (!eof && lastRowEnd(buf, pos, end, delim) < 0) continue;
      const head = headerNames(buf, pos, end, delim, file, line);
      checkDuplicates(head.names, file, line);
      line += head.lineBreaks;
      pos = head.end;
      if (pos < end) {
        pos += buf[pos] === CR && pos + 1 < end && buf[pos + 1] === LF ? 2 : 1;
        line++;
      }
      this.start = pos;
      this.firstLine = line;
      return { names: head.names, delim };
    }
  }
}

/** Header names: trimmed; an empty name becomes `Unnamed: i` (0-based), as pandas and `readCsv` name it. */
function headerNames(buf: Buffer, start: number, end: number, delim: number, file: string, line: number):
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
