import type { Column, Frame } from './frame';
import { CsvError } from './dataError';
import { CELL_FALSE, CELL_MISSING, CELL_NUMBER, CELL_TRUE, cellNumber, classifyCell } from './csvCells';
import type { CsvColumnInfo, InferredType } from './csvColumns';
import { isMostlyNumeric } from './csvColumns';
import { readHashedFile, sha256Hex } from './fileBytes';

/** A frame read from a JSON Lines file; like a `CsvFrame`, it cites lines in errors. */
export interface JsonlFrame extends Frame {
  readonly source: string;
  readonly sha256: string;
  /** 1-based line of each row. */
  readonly lines: Uint32Array;
  readonly inferredTypes: Readonly<Record<string, InferredType>>;
  readonly columnInfo: readonly CsvColumnInfo[];
}

/** One column while the file is read: each row's value as JSON gave it (undefined: key absent). */
interface Gathered {
  readonly name: string;
  readonly cells: unknown[];
  numbers: number;
  bools: number;
  others: number;
  missing: number;
  firstText: number;
}

/**
 * Reads a JSON Lines file (one JSON object per line, as logs are written)
 * into the same frame a CSV file of the same values gives: a value is read
 * as a CSV cell is (a string "3.5" is a number, "NA" missing, "yes" true), a
 * null or an absent key is missing, and the column types are inferred as for
 * CSV (a numeric column with a few stray texts is reported when used). The
 * columns are the keys in the order they first appear. Blank lines are
 * skipped. A line that is not a JSON object, or a nested value (an object or
 * array), is refused at its line.
 */
export function readJsonl(path: string, displayPath = path): JsonlFrame {
  const { bytes, sha256 } = readHashedFile(path, displayPath);
  return parseJsonl(bytes.toString('utf8').replace(/^\ufeff/, ''), displayPath, sha256);
}

/** Parses JSON Lines text; `source` names it in errors. */
export function parseJsonl(text: string, source: string, sha256 = sha256Hex(text)): JsonlFrame {
  const columns: Gathered[] = [];
  const byName = new Map<string, Gathered>();
  const lines: number[] = [];
  let lineNo = 0;
  let pos = 0;
  while (pos <= text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    lineNo++;
    const line = text.slice(pos, end > pos && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
    pos = end + 1;
    if (line.trim() === '') continue;
    const record = parseLine(line, source, lineNo);
    const row = lines.length;
    lines.push(lineNo);
    for (const key of Object.keys(record)) {
      let col = byName.get(key);
      if (col === undefined) {
        col = { name: key, cells: new Array<unknown>(row), numbers: 0, bools: 0, others: 0, missing: row, firstText: -1 };
        byName.set(key, col);
        columns.push(col);
      }
      const value = record[key];
      if (value !== null && typeof value === 'object') {
        throw new CsvError({ file: source, line: lineNo, column: columns.indexOf(col) + 1, columnName: key },
          `a nested value (${Array.isArray(value) ? 'an array' : 'an object'}); RunLens reads flat records: flatten its fields into keys of their own`);
      }
      col.cells[row] = value;
    }
    for (const col of columns) if (col.cells.length <= row) col.cells[row] = undefined;
  }
  if (lines.length === 0) throw new CsvError({ file: source }, 'no records: the file holds no JSON lines');
  const rows = lines.length;
  const lineArray = Uint32Array.from(lines);
  const built = columns.map((c) => buildColumn(c, rows, lineArray));
  return {
    columns: built.map((b) => b.column),
    rows,
    source,
    sha256,
    lines: lineArray,
    inferredTypes: Object.fromEntries(built.map((b) => [b.info.name, b.info.inferred])),
    columnInfo: built.map((b) => b.info),
  };
}

function parseLine(line: string, source: string, lineNo: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    throw new CsvError({ file: source, line: lineNo }, `not valid JSON (${(e as Error).message.slice(0, 120)})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const found = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
    throw new CsvError({ file: source, line: lineNo }, `a line must hold one JSON object ({"column": value, …}); found ${found}`);
  }
  return value as Record<string, unknown>;
}

const KIND_NUMBER = 0;
const KIND_TRUE = 1;
const KIND_FALSE = 2;
const KIND_TEXT = 3;
const KIND_MISSING = 4;

/** What a JSON value is as a cell; a number's value is left in `cellNumber`. */
function kindOf(v: unknown): number {
  if (v === null || v === undefined) return KIND_MISSING;
  if (typeof v === 'number') {
    cellNumber.value = v;
    return KIND_NUMBER;
  }
  if (typeof v === 'boolean') return v ? KIND_TRUE : KIND_FALSE;
  const k = classifyCell(String(v));
  return k === CELL_MISSING ? KIND_MISSING : k === CELL_NUMBER ? KIND_NUMBER : k === CELL_TRUE ? KIND_TRUE : k === CELL_FALSE ? KIND_FALSE : KIND_TEXT;
}

function buildColumn(c: Gathered, rows: number, lines: Uint32Array): { column: Column; info: CsvColumnInfo } {
  const values = new Float64Array(rows);
  const kinds = new Uint8Array(rows);
  c.missing = 0;
  for (let r = 0; r < rows; r++) {
    const k = kindOf(c.cells[r]);
    kinds[r] = k;
    if (k === KIND_NUMBER) {
      values[r] = cellNumber.value;
      c.numbers++;
    } else if (k === KIND_MISSING) {
      values[r] = NaN;
      c.missing++;
    } else if (k === KIND_TEXT) {
      c.others++;
      if (c.firstText < 0) c.firstText = r;
    } else {
      values[r] = k === KIND_TRUE ? 1 : 0;
      c.bools++;
      if (c.firstText < 0) c.firstText = r;
    }
  }
  const { name } = c;
  const strays = c.bools + c.others;
  if (strays === 0) return { column: { name, type: 'numeric', values }, info: { name, inferred: 'numeric', missing: c.missing } };
  if (c.others === 0 && c.numbers === 0) {
    const words: string[] = [];
    const index = new Map<string, number>();
    const codes = new Uint8Array(rows);
    for (let r = 0; r < rows; r++) {
      if (kinds[r] === KIND_MISSING) continue;
      const t = String(c.cells[r]);
      let k = index.get(t);
      if (k === undefined) {
        k = words.push(t);
        index.set(t, k);
      }
      codes[r] = k;
    }
    const texts = words.length <= 255 ? { texts: { words, codes } } : {};
    return { column: { name, type: 'boolean', values, ...texts }, info: { name, inferred: 'boolean', missing: c.missing } };
  }
  const out = new Array<string | null>(rows);
  for (let r = 0; r < rows; r++) out[r] = kinds[r] === KIND_MISSING ? null : String(c.cells[r]);
  const column: Column = { name, type: 'categorical', values: out };
  if (!isMostlyNumeric(c.numbers, strays)) return { column, info: { name, inferred: 'categorical', missing: c.missing } };
  const row = c.firstText;
  return {
    column,
    info: { name, inferred: 'mostly-numeric', missing: c.missing, badCells: strays, firstBad: { row, line: lines[row], text: out[row] ?? '' } },
  };
}

