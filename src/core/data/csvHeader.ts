/**
 * The header line of a CSV file, read the same way by the whole-file
 * reader (`CsvStreamParser`) and the diff's batch reader (`CsvBatchReader`):
 * UTF-16 refused, a UTF-8 BOM skipped, blank lines before the header
 * skipped but counted, the delimiter sniffed (unless given), names trimmed
 * and named pandas-style when empty, duplicate names refused.
 */
import { CsvError, quoteValue } from './dataError';
import { readQuotedField, unquotedFieldEnd } from './csvCells';
import { lastRowEnd } from './csvScan';
import { sniffDelimiter } from './csvSniff';

const LF = 10;
const CR = 13;
const QUOTE = 34;

export interface HeaderLine {
  readonly names: string[];
  readonly delimiter: number;
  /** 1-based line of the header. */
  readonly line: number;
  /** Where the data rows start in the buffer, and their first line. */
  readonly dataStart: number;
  readonly dataLine: number;
}

/**
 * Reads the header from `buf[start, end)`. `atFileStart`: `start` is the
 * first byte of the file (BOM and UTF-16 checks); `eof`: no bytes follow
 * `end`. Returns undefined when the header line is not complete yet (the
 * caller reads more and calls again). Throws `CsvError` naming `file`.
 */
export function readHeaderLine(buf: Buffer, start: number, end: number, opts: {
  readonly file: string; readonly atFileStart: boolean; readonly eof: boolean; readonly delimiter?: number;
}): HeaderLine | undefined {
  const { file, eof } = opts;
  let pos = start;
  if (opts.atFileStart) {
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
    return undefined;
  }
  const delimiter = opts.delimiter ?? sniffDelimiter(buf, pos, end);
  if (!eof && lastRowEnd(buf, pos, end, delimiter) < 0) return undefined;
  const head = headerNames(buf, pos, end, delimiter, file, line);
  checkDuplicates(head.names, file, line);
  let dataLine = line + head.lineBreaks;
  pos = head.end;
  if (pos < end) {
    pos += buf[pos] === CR && pos + 1 < end && buf[pos + 1] === LF ? 2 : 1;
    dataLine++;
  }
  return { names: head.names, delimiter, line, dataStart: pos, dataLine };
}

/** Header names: trimmed; an empty name becomes `Unnamed: i` (0-based), as pandas names it. */
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
        `duplicate column name ${quoteValue(name)} (columns ${first + 1} and ${i + 1})`);
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
