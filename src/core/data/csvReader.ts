import { createHash } from 'node:crypto';
import { closeSync, readFileSync, readSync } from 'node:fs';
import type { Frame } from './frame';
import { openDataFile, sha256Hex } from './fileBytes';
import type { CsvColumnInfo, InferredType } from './csvColumns';
import { CsvStreamParser } from './csvParser';
import type { ParsedCsv } from './csvParser';

/** A frame read from a CSV file, with what is needed to cite the file in errors. */
export interface CsvFrame extends Frame {
  readonly source: string;
  /** The delimiter used (given or sniffed). */
  readonly delimiter: ',' | ';' | '\t';
  /** 1-based physical line where each row starts. */
  readonly lines: Uint32Array;
  /** Inferred type per column name; `mostly-numeric` columns are stored as categorical. */
  readonly inferredTypes: Readonly<Record<string, InferredType>>;
  readonly columnInfo: readonly CsvColumnInfo[];
  /** sha256 (hex) of the file bytes, when asked for with `hash: true`. */
  readonly sha256?: string;
}

export interface CsvReadOptions {
  /** Field delimiter; sniffed among `,` `;` and tab when absent. */
  readonly delimiter?: ',' | ';' | '\t';
  /** How the file is named in errors (e.g. the path as written in the config); defaults to the path. */
  readonly displayPath?: string;
  /** Also compute the sha256 of the bytes read (saves reading the file twice for a fingerprint). */
  readonly hash?: boolean;
}

/** Read size. Reused for the whole file: touching fresh memory costs more than parsing here. */
const CHUNK_BYTES = 2 * 1024 * 1024;

/**
 * Reads a CSV file into a frame: header row, quoted fields (`""` escapes,
 * delimiters and line breaks inside quotes), UTF-8 with or without BOM, LF,
 * CRLF or CR line breaks, blank lines skipped. Missing markers (empty, NA,
 * N/A, NaN, nan, null, NULL, None) become NaN / null. Types are inferred per
 * column (see `csvColumns`). Throws `CsvError` with file, line and column.
 */
export async function readCsv(path: string, opts: CsvReadOptions = {}): Promise<CsvFrame> {
  const file = opts.displayPath ?? path;
  const { fd, size } = openDataFile(path, file);
  // Synchronous chunk reads: parsing blocks the thread anyway, and a thread
  // pool round trip per chunk measurably slowed reading on a busy machine.
  try {
    const hash = opts.hash ? createHash('sha256') : undefined;
    const parser = new CsvStreamParser(file, { delimiter: opts.delimiter, totalBytes: size });
    let buf = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, size + 1));
    let start = 0;
    let end = 0;
    let bufOffset = 0; // file position of buf[0]
    for (;;) {
      if (start > 0) {
        buf.copyWithin(0, start, end);
        bufOffset += start;
        end -= start;
        start = 0;
      }
      if (end === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, end);
        buf = bigger;
      }
      const bytesRead = readSync(fd, buf, end, buf.length - end, bufOffset + end);
      hash?.update(buf.subarray(end, end + bytesRead));
      end += bytesRead;
      const eof = bytesRead === 0;
      start = parser.feed(buf, start, end, bufOffset, eof);
      if (eof) break;
    }
    const parsed = parser.finish(() => readFileSync(path));
    return toFrame(parsed, file, hash?.digest('hex'));
  } finally {
    closeSync(fd);
  }
}

/** Parses CSV text (for tests and in-memory data); `source` names it in errors. */
export function parseCsvText(text: string, source: string, opts: CsvReadOptions = {}): CsvFrame {
  return parseCsvBuffer(Buffer.from(text, 'utf8'), source, opts);
}

/** Parses the bytes of a whole CSV file; `source` names it in errors. */
export function parseCsvBuffer(buf: Buffer, source: string, opts: CsvReadOptions = {}): CsvFrame {
  const parser = new CsvStreamParser(source, { delimiter: opts.delimiter });
  parser.feed(buf, 0, buf.length, 0, true);
  const sha256 = opts.hash ? sha256Hex(buf) : undefined;
  return toFrame(parser.finish(() => buf), source, sha256);
}

function toFrame(p: ParsedCsv, source: string, sha256: string | undefined): CsvFrame {
  return {
    columns: p.columns,
    rows: p.rows,
    source,
    delimiter: String.fromCharCode(p.delimiter) as CsvFrame['delimiter'],
    lines: p.lines,
    inferredTypes: p.inferredTypes,
    columnInfo: p.info,
    ...(sha256 !== undefined ? { sha256 } : {}),
  };
}
