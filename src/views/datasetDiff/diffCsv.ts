import type { DiffCell } from '../../core/datasetDiff/types';
import type { FileDiff, RowChange } from '../../core/datasetDiff/diffFiles';
import { csvField } from '../compare/tableExport';

/** Bytes gathered before one write, so a million-row export is not a million writes. */
const CHUNK_CHARS = 64 * 1024;

/** A cell as CSV text: missing is empty, numbers as JavaScript prints them (round-trip exact). */
function cellText(v: DiffCell | undefined): string {
  return v === null || v === undefined ? '' : String(v);
}

/**
 * Header of the per-cell export: `kind`, the key columns (keyed diff) or
 * `line` (unkeyed: the row's line in A for removed rows, in B for added), then
 * `column`, `before`, `after`.
 */
export function diffCsvHeader(keyColumns: readonly string[] | undefined): string[] {
  return ['kind', ...(keyColumns && keyColumns.length > 0 ? keyColumns : ['line']), 'column', 'before', 'after'];
}

/** The CSV records (unquoted fields) of one row change: one per changed cell, one per cell of an added or removed row. */
export function rowChangeRecords(change: RowChange, keyColumns: readonly string[] | undefined, columns: readonly string[]): string[][] {
  const ident = keyColumns && keyColumns.length > 0
    ? keyColumns.map((_, i) => cellText(change.key?.[i]))
    : [String((change.kind === 'removed' ? change.lineA : change.lineB ?? change.lineA) ?? '')];
  if (change.kind === 'modified') {
    return (change.changes ?? []).map((c) => [change.kind, ...ident, c.column, cellText(c.before), cellText(c.after)]);
  }
  const names = columns.filter((c) => c in change.values);
  for (const c of Object.keys(change.values)) if (!names.includes(c)) names.push(c);
  return names.map((c) => {
    const v = cellText(change.values[c]);
    return change.kind === 'added' ? [change.kind, ...ident, c, '', v] : [change.kind, ...ident, c, v, ''];
  });
}

/**
 * Writes the diff as CSV, one record per changed cell (added and removed
 * rows give one record per cell), streaming the row changes from the diff's
 * spill file and honouring back-pressure. CRLF line ends and quoting per RFC
 * 4180 through `csvField`, which also defuses spreadsheet formulas. Does not
 * end `out`.
 */
export async function writeDiffCsv(fileDiff: FileDiff, out: NodeJS.WritableStream): Promise<void> {
  const keyColumns = fileDiff.diff.rows.mode === 'key' ? fileDiff.diff.rows.key : undefined;
  let buffer = diffCsvHeader(keyColumns).map(csvField).join(',') + '\r\n';
  const flush = async (): Promise<void> => {
    const text = buffer;
    buffer = '';
    if (!out.write(text)) await new Promise<void>((resolve, reject) => {
      const onDrain = () => {
        out.off('error', onError);
        resolve();
      };
      const onError = (e: Error) => {
        out.off('drain', onDrain);
        reject(e);
      };
      out.once('drain', onDrain);
      out.once('error', onError);
    });
  };
  for await (const change of fileDiff.changes()) {
    for (const record of rowChangeRecords(change, keyColumns, fileDiff.columns)) buffer += record.map(csvField).join(',') + '\r\n';
    if (buffer.length >= CHUNK_CHARS) await flush();
  }
  if (buffer) await flush();
}
