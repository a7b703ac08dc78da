import type { Column, ColumnType, Frame } from './frame';
import { DataError, quoteValue, showNames } from './dataError';
import { CELL_FALSE, CELL_MISSING, CELL_NUMBER, CELL_TRUE, cellNumber, classifyCell } from './csvCells';

/**
 * A frame from JSON-like records (a serving request), with the given columns
 * and types. Values are read like CSV cells: numbers or numeric strings for
 * numeric columns, booleans / true/false/yes/no / 0/1 for boolean columns,
 * anything for categorical ones (numbers become their text); null,
 * undefined and the CSV missing markers are missing. A column absent from a
 * record is an error naming every absent column (a missing value must be
 * sent as null, so a typo in a key does not silently become "missing").
 */
export function frameFromRecords(records: readonly Record<string, unknown>[], columns: readonly string[],
  types: readonly ColumnType[]): Frame {
  const absent = new Set<string>();
  let firstBad = -1;
  records.forEach((rec, i) => {
    if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) {
      throw new DataError(`record ${i + 1} is not an object`);
    }
    for (const c of columns) {
      if (!(c in rec)) {
        absent.add(c);
        if (firstBad < 0) firstBad = i;
      }
    }
  });
  if (absent.size > 0) {
    throw new DataError(`input record ${firstBad + 1} lacks column${absent.size > 1 ? 's' : ''} ` +
      `${[...absent].map((c) => quoteValue(c)).join(', ')} (the model needs: ${showNames(columns)})`);
  }
  const n = records.length;
  const cols = columns.map((name, j): Column => {
    const type = types[j];
    if (type === 'categorical') {
      const values = records.map((rec) => toText(rec[name]));
      return { name, type, values };
    }
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = toNumber(records[i][name], type === 'boolean', i, name);
    return { name, type, values };
  });
  return { columns: cols, rows: n };
}

function toText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' && Number.isNaN(v)) return null;
  const s = typeof v === 'string' ? v : String(v);
  return classifyCell(s) === CELL_MISSING ? null : s;
}

function toNumber(v: unknown, boolean: boolean, row: number, name: string): number {
  if (v === null || v === undefined) return NaN;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const kind = classifyCell(v);
    if (kind === CELL_MISSING) return NaN;
    if (kind === CELL_NUMBER) return cellNumber.value;
    if (boolean && (kind === CELL_TRUE || kind === CELL_FALSE)) return kind === CELL_TRUE ? 1 : 0;
  }
  const json = typeof v === 'string' ? '' : JSON.stringify(v) ?? String(v);
  const shown = typeof v === 'string' ? quoteValue(v) : json.length > 40 ? `${json.slice(0, 37)}...` : json;
  throw new DataError(`record ${row + 1}, column ${quoteValue(name)}: ${shown} is not ${boolean ? 'true/false' : 'a number'}`);
}
