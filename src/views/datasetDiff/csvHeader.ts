/**
 * Reads only the header row of a CSV file (for the key-column pick before a
 * diff runs). No vscode import: tested under plain Node.
 *
 * The header is parsed by `core/data/csvHeader.ts`, the one header reader the
 * whole-file reader and the diff engine use too, so the names offered as keys
 * are exactly the names the diff matches on: quoting, BOM, sniffed delimiter,
 * trimmed names, `Unnamed: i` for an empty one. (Opening a `CsvBatchReader`
 * would also do, but it sizes its row buffers for the data: seconds for a
 * file of 20,000 columns, against milliseconds for the header alone.)
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { readHeaderLine } from '../../core/data/csvHeader';
import { CsvError } from '../../core/data/dataError';

/** First read; doubled until the header row is complete. */
const FIRST_READ = 64 * 1024;
/** A header row longer than this is refused rather than read into memory. */
const MAX_HEADER_BYTES = 64 * 1024 * 1024;

/**
 * The column names of a CSV file, in file order. Throws a one-line
 * `CsvError` naming the file (as `displayName`) when it is unreadable, empty,
 * UTF-16 or has duplicate names.
 */
export function readCsvHeader(path: string, displayName = path): string[] {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CsvError({ file: displayName }, code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? String(e)})`);
  }
  try {
    let buf = Buffer.alloc(FIRST_READ);
    let end = 0;
    for (;;) {
      const n = readSync(fd, buf, end, buf.length - end, end);
      end += n;
      const eof = n === 0 || end < buf.length;
      const head = readHeaderLine(buf, 0, end, { file: displayName, atFileStart: true, eof });
      if (head !== undefined) return head.names;
      if (buf.length >= MAX_HEADER_BYTES) throw new CsvError({ file: displayName, line: 1 }, `the header row is longer than ${MAX_HEADER_BYTES / 1024 / 1024} MiB`);
      const bigger = Buffer.alloc(buf.length * 2);
      buf.copy(bigger, 0, 0, end);
      buf = bigger;
    }
  } finally {
    closeSync(fd);
  }
}
