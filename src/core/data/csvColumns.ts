import type { BooleanTexts, Column, ColumnType, Frame } from './frame';
import { CsvError, quoteValue } from './dataError';
import type { ScanResult } from './csvScan';
import { readColumnTexts } from './csvScan';

/**
 * Column type inference from a scan. A column is:
 * - numeric when every non-missing cell is a number (an all-missing column
 *   is numeric, all NaN, as in pandas);
 * - boolean when every non-missing cell is true/false/yes/no (any case);
 *   0/1 columns stay numeric;
 * - categorical otherwise. A categorical column that is almost all numbers
 *   is inferred `mostly-numeric`: it keeps its text, and the pipeline
 *   reports its first stray cell if the column is used (`assertNumeric`).
 */
export type InferredType = ColumnType | 'mostly-numeric';

/** What the reader learnt about one column. */
export interface CsvColumnInfo {
  readonly name: string;
  readonly inferred: InferredType;
  readonly missing: number;
  /** Cells that are not numbers, for a `mostly-numeric` column. */
  readonly badCells?: number;
  /** The first such cell: 0-based row, 1-based physical line, its text. */
  readonly firstBad?: { readonly row: number; readonly line: number; readonly text: string };
}

/**
 * Stray text cells are "bad values in a numeric column" when they are at
 * most 5% of the non-missing cells, or a single cell among at least four
 * numbers (so small files behave sensibly too).
 */
export function isMostlyNumeric(numbers: number, strays: number): boolean {
  if (numbers === 0 || strays === 0) return false;
  return strays <= 0.05 * (numbers + strays) || (strays === 1 && numbers >= 4);
}

/** Builds typed columns from a scan; re-reads the raw text of categorical columns that also hold numbers. */
export function buildColumns(scan: ScanResult, header: readonly string[], wholeFile: () => Buffer, delimiter: number):
  { columns: Column[]; info: CsvColumnInfo[] } {
  const { rows } = scan;
  const numbers = scan.numbers;
  const columns: Column[] = [];
  const info: CsvColumnInfo[] = [];
  const kinds = header.map((_, c) => {
    const strays = scan.bools[c] + scan.others[c];
    if (strays === 0) return 'numeric' as const;
    if (scan.others[c] === 0 && numbers[c] === 0) return 'boolean' as const;
    return isMostlyNumeric(numbers[c], strays) ? 'mostly-numeric' as const : 'categorical' as const;
  });
  const needRaw = header.map((_, c) => c).filter((c) => (kinds[c] === 'categorical' || kinds[c] === 'mostly-numeric') && numbers[c] > 0);
  const raw = needRaw.length > 0 ? readColumnTexts(wholeFile(), scan.offsets, rows, delimiter, needRaw) : [];

  header.forEach((name, c) => {
    const kind = kinds[c];
    const values = scan.values[c];
    if (kind === 'numeric' || kind === 'boolean') {
      const texts = kind === 'boolean' ? booleanTexts(scan.texts[c], rows) : undefined;
      columns.push({ name, type: kind, values: trimArray(values, rows), ...(texts !== undefined ? { texts } : {}) });
      info.push({ name, inferred: kind, missing: scan.missing[c] });
      return;
    }
    const texts = scan.texts[c] ?? [];
    const rawTexts = raw[needRaw.indexOf(c)];
    const out = new Array<string | null>(rows);
    for (let r = 0; r < rows; r++) {
      const t = texts[r];
      if (t !== undefined) out[r] = t;
      else if (Number.isNaN(values[r])) out[r] = null;
      else out[r] = rawTexts[r];
    }
    columns.push({ name, type: 'categorical', values: out });
    if (kind === 'mostly-numeric') {
      const row = scan.firstText[c];
      info.push({
        name, inferred: kind, missing: scan.missing[c], badCells: scan.bools[c] + scan.others[c],
        firstBad: { row, line: scan.lines[row], text: texts[row] },
      });
    } else {
      info.push({ name, inferred: kind, missing: scan.missing[c] });
    }
  });
  return { columns, info };
}

/**
 * The texts of a boolean column as a dictionary and a byte per row, so a
 * yes/no target can keep its words without a string reference per row.
 * Undefined past 255 spellings (the labels then read true/false).
 */
function booleanTexts(texts: readonly (string | undefined)[] | undefined, rows: number): BooleanTexts | undefined {
  if (texts === undefined) return undefined;
  const words: string[] = [];
  const index = new Map<string, number>();
  const codes = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    const t = texts[r];
    if (t === undefined) continue;
    let k = index.get(t);
    if (k === undefined) {
      if (words.length === 255) return undefined;
      k = words.push(t);
      index.set(t, k);
    }
    codes[r] = k;
  }
  return { words, codes };
}

/** A view of the first `rows` values; copied when the spare capacity is large. */
function trimArray(a: Float64Array, rows: number): Float64Array {
  if (a.length === rows) return a;
  return a.length - rows > rows / 8 ? a.slice(0, rows) : a.subarray(0, rows);
}

/**
 * Throws a `CsvError` at the first stray cell (earliest line, then leftmost
 * column) of any `mostly-numeric` column among `names`: a column of numbers
 * with a few bad values is a data error once the column is used, instead of
 * silently becoming a text column. Frames without column info pass.
 */
export function assertNumericColumnsClean(frame: Frame, names: readonly string[]): void {
  const info = (frame as { readonly columnInfo?: readonly CsvColumnInfo[] }).columnInfo;
  if (info === undefined) return;
  const wanted = new Set(names);
  let worst: { info: CsvColumnInfo; index: number } | undefined;
  info.forEach((i, index) => {
    if (!wanted.has(i.name) || i.firstBad === undefined) return;
    if (worst === undefined || i.firstBad.line < (worst.info.firstBad?.line ?? Infinity)) worst = { info: i, index };
  });
  if (worst === undefined) return;
  const { info: bad, index } = worst;
  const first = bad.firstBad as NonNullable<CsvColumnInfo['firstBad']>;
  const others = (bad.badCells ?? 1) - 1;
  throw new CsvError({ file: frame.source ?? '<data>', line: first.line, column: index + 1, columnName: bad.name },
    `not a number: ${quoteValue(first.text)} in a numeric column` +
    (others > 0 ? ` (${others} more non-numeric cell${others > 1 ? 's' : ''} in this column)` : ''));
}
