import { CsvError, showNames } from './dataError';
import {
  CELL_FALSE, CELL_MISSING, CELL_NUMBER, CELL_TRUE, cellNumber, classifyCell, readQuotedField, unquotedFieldEnd,
} from './csvCells';
import type { CellKind } from './csvCells';
import { DecimalParser } from './numberParse';

/*
 * The hot loop of the CSV reader, hand-rolled instead of csv-parse. Measured
 * on a 200,000 x 20 file of full-precision doubles (80 MB, one busy 2-core
 * machine): csv-parse with `cast: true` took 5.2 s, pandas' read_csv about
 * 0.8 s, this reader about 0.7 s. csv-parse builds a string per cell and
 * casts it; here bytes are scanned once, plain numbers are parsed from the
 * bytes straight into a Float64Array per column (exactly, see numberParse)
 * and only quoted-text, spaced or non-numeric cells are decoded to strings.
 */

const QUOTE = 34;
const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;

/** Raw per-column results of a scan; `csvColumns` turns them into typed columns. */
export interface ScanResult {
  readonly rows: number;
  /** Per column: numbers (booleans as 1/0); NaN for missing and text cells. Longer than `rows`. */
  readonly values: Float64Array[];
  /** Per column: the text of every non-numeric, non-missing cell, by row (sparse), or undefined if none. */
  readonly texts: (string[] | undefined)[];
  readonly numbers: Int32Array;
  readonly missing: Int32Array;
  /** Cells that are true/false/yes/no. */
  readonly bools: Int32Array;
  /** Other non-numeric cells. */
  readonly others: Int32Array;
  /** First row holding a boolean word or other text, -1 if none. */
  readonly firstText: Int32Array;
  /** 1-based physical line where each row starts. Longer than `rows`. */
  readonly lines: Uint32Array;
  /** Byte offset in the file where each row starts, to re-read a column's texts. Longer than `rows`. */
  readonly offsets: Float64Array;
}

/**
 * Scans data rows, region by region, so a file can be read in chunks
 * through one small reused buffer (fresh memory is expensive to touch; a
 * whole-file buffer cost more than the parsing). Each region must hold only
 * complete rows. Throws `CsvError` on ragged rows and unterminated quotes.
 */
export class RowScanner implements ScanResult {
  rows = 0;
  values: Float64Array[];
  readonly texts: (string[] | undefined)[];
  readonly missing: Int32Array;
  readonly bools: Int32Array;
  readonly others: Int32Array;
  readonly firstText: Int32Array;
  lines: Uint32Array;
  offsets: Float64Array;
  /** Physical line of the next byte to scan. */
  line: number;
  /**
   * Emptied `texts` arrays a batch reader hands back between batches, taken
   * again when a column meets its first text: growing a fresh array per
   * column and batch cost more than the rest of storing a text cell.
   */
  readonly textPool: (string[] | undefined)[] = [];
  private cap: number;
  private readonly parser = new DecimalParser();
  private readonly recent = new RecentTexts();

  constructor(
    private readonly header: readonly string[],
    private readonly delim: number,
    private readonly file: string,
    firstLine: number,
    capacity: number,
  ) {
    const ncols = header.length;
    this.cap = Math.max(16, Math.ceil(capacity));
    this.values = header.map(() => new Float64Array(this.cap));
    this.texts = header.map(() => undefined);
    this.missing = new Int32Array(ncols);
    this.bools = new Int32Array(ncols);
    this.others = new Int32Array(ncols);
    this.firstText = new Int32Array(ncols).fill(-1);
    this.lines = new Uint32Array(this.cap);
    this.offsets = new Float64Array(this.cap);
    this.line = firstLine;
  }

  /**
   * Scans `buf[start, end)`, which ends after a line break or at the end of
   * the data. `fileOffset` is the file position of `buf[0]`.
   */
  scan(buf: Buffer, start: number, end: number, fileOffset: number): void {
    const { delim, header, file, parser, missing } = this;
    const ncols = header.length;
    const n = end;
    let { values, lines, offsets, line, rows: row } = this;
    let pos = start;
    while (pos < n) {
      let c = buf[pos];
      if (c === LF || c === CR) {
        // A blank line: skipped, but counted.
        pos += c === CR && pos + 1 < n && buf[pos + 1] === LF ? 2 : 1;
        line++;
        continue;
      }
      if ((c === SPACE || (c === TAB && delim !== TAB)) && ncols > 1) {
        // A line of spaces is blank too (with one column it is a missing value).
        let k = pos + 1;
        while (k < n && (buf[k] === SPACE || (buf[k] === TAB && delim !== TAB))) k++;
        if (k >= n || buf[k] === LF || buf[k] === CR) {
          pos = k;
          if (k >= n) break;
          continue;
        }
      }
      if (row === this.cap) {
        this.growTo(this.cap * 2);
        ({ values, lines, offsets } = this);
      }
      lines[row] = line;
      offsets[row] = fileOffset + pos;
      let col = 0;
      for (;;) {
        if (col === ncols) {
          throw new CsvError({ file, line: lines[row], column: col + 1 },
            `row has ${countFields(buf, offsets[row] - fileOffset, n, delim)} fields, expected ${ncols} (${showNames(header)})`);
        }
        c = pos < n ? buf[pos] : LF;
        if (c === delim || c === LF || c === CR) {
          values[col][row] = NaN;
          missing[col]++;
        } else if (c !== QUOTE) {
          const v = parser.parse(buf, pos, n);
          const e = parser.end;
          const t = e < n ? buf[e] : LF;
          if (v === v && (t === delim || t === LF || t === CR)) {
            values[col][row] = v;
            pos = e;
          } else {
            const fe = unquotedFieldEnd(buf, e, n, delim);
            this.storeBytes(col, row, buf, pos, fe);
            pos = fe;
          }
        } else if (this.quotedNumber(buf, pos, n)) {
          values[col][row] = parser.value;
          pos = parser.end + 1;
        } else {
          const f = readQuotedField(buf, pos, n, delim);
          if (f === undefined) {
            throw new CsvError({ file, line, column: col + 1, columnName: header[col] },
              'unterminated quoted field: the quote opened here is never closed');
          }
          this.storeText(col, row, f.text);
          line += f.lineBreaks;
          pos = f.end;
        }
        col++;
        if (pos < n && buf[pos] === delim) {
          pos++;
          continue;
        }
        break;
      }
      if (col !== ncols) {
        throw new CsvError({ file, line: lines[row], column: col + 1, columnName: header[col] },
          `row has ${col} field${col === 1 ? '' : 's'}, expected ${ncols} (${showNames(header)})`);
      }
      if (pos < n) {
        pos += buf[pos] === CR && pos + 1 < n && buf[pos + 1] === LF ? 2 : 1;
        line++;
      }
      row++;
    }
    this.rows = row;
    this.line = line;
  }

  /** True when the quoted field at `pos` is a plain number (`"1.5"`, as some exporters write every cell); its value is in `parser.value`. */
  private quotedNumber(buf: Buffer, pos: number, n: number): boolean {
    const parser = this.parser;
    const v = parser.parse(buf, pos + 1, n);
    const e = parser.end;
    if (v !== v || e >= n || buf[e] !== QUOTE) return false;
    const t = e + 1 < n ? buf[e + 1] : LF;
    if (t !== this.delim && t !== LF && t !== CR) return false;
    parser.value = v;
    return true;
  }

  /** Numeric cells per column (every cell that is not missing, boolean or text; not counted in the hot loop). */
  get numbers(): Int32Array {
    return Int32Array.from(this.missing, (m, c) => this.rows - m - this.bools[c] - this.others[c]);
  }

  /**
   * Stores the unquoted non-numeric cell `buf[start, end)`. Short cells go
   * through `recent`: a category column repeats a few words millions of
   * times, and decoding and classifying each copy again (a string, a trim
   * check, a Set lookup, a regex) was a fifth of a wide file's read time.
   * The cache also hands back the same string object for the same bytes,
   * which makes later Map lookups by that text cheaper.
   */
  private storeBytes(col: number, row: number, buf: Buffer, start: number, end: number): void {
    const recent = this.recent;
    const slot = end - start <= RECENT_BYTES ? recent.find(buf, start, end) : -1;
    if (slot < 0) {
      this.storeText(col, row, buf.toString('utf8', start, end));
      return;
    }
    let text = recent.texts[slot];
    if (text === undefined) {
      text = buf.toString('utf8', start, end);
      recent.remember(slot, buf, start, end, text, classifyCell(text), cellNumber.value);
    }
    this.storeKind(col, row, text, recent.kinds[slot] as CellKind, recent.numbers[slot]);
  }

  /** Stores a decoded (quoted, spaced or non-numeric) cell. */
  private storeText(col: number, row: number, text: string): void {
    const kind = classifyCell(text);
    this.storeKind(col, row, text, kind, cellNumber.value);
  }

  /** Stores a cell of known kind (`num`: its value when it is a number). */
  private storeKind(col: number, row: number, text: string, kind: CellKind, num: number): void {
    const vals = this.values[col];
    if (kind === CELL_MISSING) {
      vals[row] = NaN;
      this.missing[col]++;
    } else if (kind === CELL_NUMBER) {
      vals[row] = num;
    } else {
      let t = this.texts[col];
      if (t === undefined) {
        t = this.textPool[col] ?? [];
        this.textPool[col] = undefined;
        this.texts[col] = t;
      }
      t[row] = text;
      if (this.firstText[col] < 0) this.firstText[col] = row;
      if (kind === CELL_TRUE || kind === CELL_FALSE) {
        vals[row] = kind === CELL_TRUE ? 1 : 0;
        this.bools[col]++;
      } else {
        vals[row] = NaN;
        this.others[col]++;
      }
    }
  }

  private growTo(cap: number): void {
    this.values = this.values.map((v) => {
      const b = new Float64Array(cap);
      b.set(v);
      return b;
    });
    const lines = new Uint32Array(cap);
    lines.set(this.lines);
    this.lines = lines;
    const offsets = new Float64Array(cap);
    offsets.set(this.offsets);
    this.offsets = offsets;
    this.cap = cap;
  }
}

/** Longest cell (in bytes) `RecentTexts` holds. */
const RECENT_BYTES = 32;
const RECENT_SLOTS = 1024;

/**
 * A direct-mapped cache of recently decoded short cells: bytes -> string and
 * its classification. A slot is chosen by a hash of the bytes and holds the
 * last cell that hashed there; a hit is confirmed by comparing the bytes, so
 * a collision only costs a decode. Bounded: 1,024 slots of 32 bytes.
 */
class RecentTexts {
  readonly texts: (string | undefined)[] = new Array<string | undefined>(RECENT_SLOTS).fill(undefined);
  readonly kinds = new Uint8Array(RECENT_SLOTS);
  readonly numbers = new Float64Array(RECENT_SLOTS);
  private readonly lengths = new Int32Array(RECENT_SLOTS).fill(-1);
  private readonly bytes = new Uint8Array(RECENT_SLOTS * RECENT_BYTES);

  /** The slot holding `buf[start, end)` (its text set), or the slot to fill (its text undefined). */
  find(buf: Uint8Array, start: number, end: number): number {
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 16777619);
    const slot = (h ^ (h >>> 15)) & (RECENT_SLOTS - 1);
    const len = end - start;
    if (this.lengths[slot] === len) {
      const bytes = this.bytes;
      const base = slot * RECENT_BYTES;
      let k = 0;
      while (k < len && bytes[base + k] === buf[start + k]) k++;
      if (k === len) return slot;
    }
    this.texts[slot] = undefined;
    return slot;
  }

  remember(slot: number, buf: Uint8Array, start: number, end: number, text: string, kind: CellKind, num: number): void {
    this.bytes.set(buf.subarray(start, end), slot * RECENT_BYTES);
    this.lengths[slot] = end - start;
    this.texts[slot] = text;
    this.kinds[slot] = kind;
    this.numbers[slot] = num;
  }
}

/** Number of fields in the row starting at `pos`, for the ragged-row message. */
function countFields(buf: Buffer, pos: number, limit: number, delim: number): number {
  let count = 1;
  while (pos < limit) {
    const c = buf[pos];
    if (c === QUOTE) {
      const f = readQuotedField(buf, pos, limit, delim);
      if (f === undefined) return count;
      pos = f.end;
      continue;
    }
    if (c === LF || c === CR) break;
    if (c === delim) count++;
    pos++;
  }
  return count;
}

/**
 * The raw text of the given columns in every row, for columns that turned
 * out categorical after numbers were already parsed (so "007" stays "007").
 * `buf` is the whole file; cells that are missing come back as their text
 * too, the caller knows which cells are missing.
 */
export function readColumnTexts(buf: Buffer, offsets: Float64Array, rows: number, delim: number,
  columns: readonly number[]): string[][] {
  const out = columns.map(() => new Array<string>(rows));
  const want = new Map(columns.map((c, i) => [c, i]));
  const last = Math.max(...columns);
  const n = buf.length;
  for (let r = 0; r < rows; r++) {
    let pos = offsets[r];
    for (let col = 0; col <= last; col++) {
      let text: string;
      if (pos < n && buf[pos] === QUOTE) {
        const f = readQuotedField(buf, pos, n, delim);
        if (f === undefined) break; // cannot happen: the first pass accepted this row
        text = f.text;
        pos = f.end;
      } else {
        const fe = unquotedFieldEnd(buf, pos, n, delim);
        text = buf.toString('utf8', pos, fe);
        pos = fe;
      }
      const k = want.get(col);
      if (k !== undefined) out[k][r] = text;
      pos++; // past the delimiter
    }
  }
  return out;
}

/**
 * The index just after the last line break that ends a row in
 * `buf[start, end)` (`start` is at a row boundary), or -1 if none. Follows
 * the quoting rules of the reader: a quote opens a quoted field only at the
 * start of a field, so a stray quote inside a field cannot confuse it.
 */
export function lastRowEnd(buf: Buffer, start: number, end: number, delim: number): number {
  const lf = buf.lastIndexOf(LF, end - 1);
  if (lf < start) return -1;
  const q = buf.indexOf(QUOTE, start);
  if (q < 0 || q >= end) return lf + 1;
  let last = -1;
  let inQuotes = false;
  let fieldStart = true;
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (inQuotes) {
      if (c === QUOTE) {
        if (i + 1 < end && buf[i + 1] === QUOTE) i++;
        else inQuotes = false;
      }
    } else if (c === QUOTE && fieldStart) {
      inQuotes = true;
      fieldStart = false;
    } else if (c === LF) {
      last = i + 1;
      fieldStart = true;
    } else {
      fieldStart = c === delim || c === CR;
    }
  }
  return last;
}
