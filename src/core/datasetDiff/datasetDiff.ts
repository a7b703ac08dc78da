import type { Frame } from '../data/frame';
import { readCsv } from '../data/csvReader';
import { columnDrift } from './columnDrift';
import { hashRowDiff, keyedRowDiff, matchKeys } from './rowDiff';
import { detectRenames, matchColumns, schemaDiff } from './schemaDiff';
import type { ColumnPair, RowAlignment } from './schemaDiff';
import { statsDiff } from './statsDiff';
import type { DatasetDiff, DiffOptions } from './types';

/** Default cap on each example list. */
export const DEFAULT_EXAMPLE_LIMIT = 1000;

/**
 * Compares two CSV files: schema, rows (by `opts.key`, or as a multiset of
 * whole rows without one), per-column statistics and drift. Both files are
 * read whole into memory: the reference the streaming `diffCsvFiles`
 * (diffFiles.ts, for files of any size) is tested against. Throws `CsvError` for unreadable files and `DataError` for duplicate keys
 * or a key column that is absent.
 */
export async function diffCsv(a: string, b: string, opts: DiffOptions = {}): Promise<DatasetDiff> {
  const frameA = await readCsv(a);
  const frameB = await readCsv(b);
  return diffFrames(frameA, frameB, opts);
}

/** Compares two frames in memory; frames read from files give line numbers in the result. */
export function diffFrames(a: Frame, b: Frame, opts: DiffOptions = {}): DatasetDiff {
  const labelA = a.source ?? 'A';
  const labelB = b.source ?? 'B';
  const limit = opts.exampleLimit ?? DEFAULT_EXAMPLE_LIMIT;
  const key = opts.key && opts.key.length > 0 ? opts.key : undefined;
  const { pairs, onlyA, onlyB } = matchColumns(a, b);
  const match = key ? matchKeys(a, b, key, labelA, labelB) : undefined;
  const alignment: RowAlignment | undefined = match ? match.alignment : a.rows === b.rows ? identity(a.rows) : undefined;
  const renames = detectRenames(onlyA, onlyB, alignment);
  const schema = schemaDiff(pairs, onlyA, onlyB, renames);
  const allPairs: ColumnPair[] = [...pairs, ...renames];
  const rows = key && match ? keyedRowDiff(a, b, key, match, allPairs, limit) : hashRowDiff(a, b, allPairs, limit);
  const stats = statsDiff(a, b, allPairs);
  const { drift, skipped } = columnDrift(allPairs, key);
  const identical = schema.added.length + schema.removed.length + schema.renamed.length + schema.typeChanged.length === 0
    && rows.added + rows.removed + rows.modified === 0 && stats.length === 0;
  return { a: labelA, b: labelB, schema, rows, stats, drift, driftSkipped: skipped, identical };
}

function identity(n: number): RowAlignment {
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  return { rowsA: rows, rowsB: rows };
}
