/**
 * Reads only the header row of a CSV file (for the key-column pick before a
 * diff runs). No vscode import: tested under plain Node.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { sniffDelimiter } from '../../core/data/csvSniff';

/** A header with quoted line breaks and thousands of columns still fits in this. */
const HEAD_BYTES = 1024 * 1024;

/**
 * The column names of a CSV file, in file order: UTF-8 with or without BOM,
 * delimiter sniffed like the reader does (`,` `;` tab), quoted names allowed.
 * Throws a one-line error naming the file when it is unreadable or empty.
 */
export function readCsvHeader(path: string, displayName = path): string[] {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new Error(`${displayName}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let bytes: Buffer;
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    bytes = buf.subarray(0, readSync(fd, buf, 0, HEAD_BYTES, 0));
  } finally {
    closeSync(fd);
  }
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const delimiter = String.fromCharCode(sniffDelimiter(bytes, start, bytes.length));
  let records: string[][];
  try {
    // csv-parse rather than a split: quoted names may hold delimiters, quotes and line breaks.
    // `to: 1` stops after the header, so a row cut off at the end of the sample does not matter.
    records = parse(bytes.subarray(start), { to: 1, delimiter, relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (e) {
    throw new Error(`${displayName}: cannot read the header row (${(e as Error).message})`);
  }
  const header = records[0];
  if (!header || header.every((c) => c.trim() === '')) throw new Error(`${displayName}: the file is empty (no header row)`);
  return header;
}
