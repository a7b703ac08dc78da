/**
 * Reads a CSV file batch by batch with the project's row scanner, for the
 * streaming diff. `CsvStreamParser` (core/data) builds whole-file columns;
 * the diff needs the rows of one chunk at a time and then drops them, so it
 * drives `RowScanner` itself; the header is read as `CsvStreamParser`
 * reads it (`csvHeader.ts`).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { RowScanner, lastRowEnd } from '../data/csvScan';
import { readHeaderLine } from '../data/csvHeader';
import { CsvError } from '../data/dataError';
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
    for (;;) {
      this.fill();
      const head = readHeaderLine(this.buf, 0, this.end, { file: this.label, atFileStart: this.bufOffset === 0, eof: this.eof });
      if (head === undefined) continue;
      this.start = head.dataStart;
      this.firstLine = head.dataLine;
      return { names: head.names, delim: head.delimiter };
    }
  }
}
