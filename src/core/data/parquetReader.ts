import { parquetMetadata, parquetRead, parquetSchema } from 'hyparquet';
import type { ColumnData, FileMetaData, ParquetParsers, RowGroup, SchemaElement, SchemaTree } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import type { Column, Frame } from './frame';
import { CsvError } from './dataError';
import { CELL_MISSING, classifyCell } from './csvCells';
import { readHashedFile } from './fileBytes';
import { parquetWasm, readAllWasm } from './parquetWasm';
import type { ColumnTarget } from './parquetWasm';

/** A frame read from a Parquet file. */
export interface ParquetFrame extends Frame {
  readonly source: string;
  /** sha256 (hex) of the file bytes. */
  readonly sha256: string;
  readonly rowGroups: number;
}

type Kind = 'numeric' | 'boolean' | 'text';

/**
 * Dates and times become ISO text, as a CSV file would hold them (a
 * categorical column): a model has no date type, and the text means the
 * same in a serving request.
 */
const PARSERS: Partial<ParquetParsers> = {
  timestampFromMilliseconds: (ms) => new Date(Number(ms)).toISOString(),
  timestampFromMicroseconds: (us) => new Date(Number(us / 1000n)).toISOString(),
  timestampFromNanoseconds: (ns) => new Date(Number(ns / 1000000n)).toISOString(),
  dateFromDays: (days) => new Date(days * 86400000).toISOString().slice(0, 10),
};

/**
 * Reads a Parquet file into a frame. parquet-wasm decodes (picked by
 * measurement: BENCHMARKS.md "Parquet reading", 7-8× faster than hyparquet
 * on 1,000,000 × 20 doubles, about DuckDB's speed); hyparquet reads the
 * footer and schema, and decodes what parquet-wasm's copy does not handle
 * (dates, decimals, dictionaries) or a file it fails on, naming the damaged
 * row group.
 * The file's types decide the columns: numbers
 * (ints, floats, decimals) are numeric, booleans boolean, everything else
 * (strings, dates as ISO text) categorical; a null is missing, and so is a
 * string that is a CSV missing marker (`NA`, empty, …), as in a CSV file or a
 * serving request. Nested columns (lists, structs, maps, JSON) are refused
 * by name. A damaged file is refused naming the row group that did not
 * decode. `displayPath` names the file in errors.
 */
export async function readParquet(path: string, displayPath = path): Promise<ParquetFrame> {
  const { bytes, sha256 } = readHashedFile(path, displayPath);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let metadata: FileMetaData;
  try {
    metadata = parquetMetadata(file, { parsers: PARSERS });
  } catch (e) {
    throw new CsvError({ file: displayPath }, `not a readable Parquet file (${reason(e)}): its footer, which lists the columns and row groups, is missing or damaged`);
  }
  const leaves = topLevelColumns(parquetSchema(metadata), displayPath);
  const rows = Number(metadata.num_rows);
  const kinds = leaves.map((l) => kindOf(l.element));
  const numbers = kinds.map((k) => (k === 'text' ? undefined : new Float64Array(rows).fill(NaN)));
  const texts = kinds.map((k) => (k === 'text' ? new Array<string | null>(rows).fill(null) : undefined));
  const index = new Map(leaves.map((l, i) => [l.element.name, i]));
  const targets: ColumnTarget[] = leaves.map((l, i) => ({ name: l.element.name, ...(numbers[i] ? { numbers: numbers[i] } : { texts: texts[i] }) }));
  const pw = rows > 0 ? parquetWasm() : null;
  let decoded = false;
  try {
    // The fast path; hyparquet reads what it does not (dates, decimals, dictionaries) and says which row group is damaged.
    decoded = pw !== null && readAllWasm(pw, bytes, rows, targets);
  } catch {
    decoded = false;
  }
  let groupStart = 0;
  for (let g = 0; g < metadata.row_groups.length && !decoded; g++) {
    const groupRows = Number(metadata.row_groups[g].num_rows);
    const groupEnd = groupStart + groupRows;
    const onChunk = (chunk: ColumnData) => {
      const c = index.get(chunk.columnName);
      if (c === undefined) return;
      const from = Math.max(chunk.rowStart, groupStart);
      const to = Math.min(chunk.rowEnd, groupEnd);
      const data = chunk.columnData;
      const num = numbers[c];
      if (num !== undefined) for (let r = from; r < to; r++) num[r] = toNumber(data[r - chunk.rowStart]);
      else {
        const txt = texts[c] as (string | null)[];
        for (let r = from; r < to; r++) txt[r] = toText(data[r - chunk.rowStart]);
      }
    };
    try {
      checkPageHeaders(file, metadata.row_groups[g]);
      await parquetRead({ file, metadata, rowStart: groupStart, rowEnd: groupEnd, onChunk, parsers: PARSERS, rowFormat: 'array' });
    } catch (e) {
      throw groupError(displayPath, g, metadata.row_groups.length, groupStart, groupEnd, e);
    }
    groupStart = groupEnd;
  }
  const columns = leaves.map((l, i): Column => {
    const name = l.element.name;
    if (kinds[i] === 'text') return { name, type: 'categorical', values: texts[i] as (string | null)[] };
    return { name, type: kinds[i] as 'numeric' | 'boolean', values: numbers[i] as Float64Array };
  });
  return { columns, rows, source: displayPath, sha256, rowGroups: metadata.row_groups.length };
}

/**
 * Walks the page headers of each column chunk of a row group before it is
 * decoded: hyparquet 1.33 loops forever on a page header it cannot parse
 * (a zeroed or cut chunk gives a header without a type or size, and its
 * read position becomes NaN), so a damaged file would hang the trainer.
 */
function checkPageHeaders(file: ArrayBuffer, group: RowGroup): void {
  for (const chunk of group.columns) {
    const meta = chunk.meta_data;
    if (meta === undefined) continue;
    const start = Number(meta.dictionary_page_offset ?? meta.data_page_offset);
    const length = Number(meta.total_compressed_size);
    if (!(start >= 0 && length >= 0 && start + length <= file.byteLength)) {
      throw new Error(`column ${meta.path_in_schema.join('.')} lies past the end of the file`);
    }
    const reader = { view: new DataView(file, start, length), offset: 0 };
    while (reader.offset < length) {
      const header = parquetHeader(reader);
      const size = header.compressed_page_size;
      if (header.type === undefined || !Number.isInteger(size) || size < 0 || reader.offset + size > length) {
        throw new Error(`column ${meta.path_in_schema.join('.')} has a page header that does not parse`);
      }
      reader.offset += size;
    }
  }
}

function topLevelColumns(tree: SchemaTree, file: string): SchemaTree[] {
  for (const child of tree.children) {
    const e = child.element;
    const nested = child.children.length > 0 || e.repetition_type === 'REPEATED' || e.converted_type === 'JSON' ||
      e.converted_type === 'BSON' || e.logical_type?.type === 'JSON' || e.logical_type?.type === 'BSON' || e.logical_type?.type === 'VARIANT';
    if (nested) {
      throw new CsvError({ file, columnName: e.name },
        'is a nested column (a list, struct, map or JSON value); RunLens reads flat columns: select or flatten its fields into columns first');
    }
  }
  return tree.children;
}

function kindOf(e: SchemaElement): Kind {
  const logical = e.logical_type?.type;
  const converted = e.converted_type;
  const temporal = logical === 'DATE' || logical === 'TIME' || logical === 'TIMESTAMP' ||
    converted === 'DATE' || converted === 'TIME_MILLIS' || converted === 'TIME_MICROS' ||
    converted === 'TIMESTAMP_MILLIS' || converted === 'TIMESTAMP_MICROS' || e.type === 'INT96';
  if (temporal) return 'text';
  if (e.type === 'BOOLEAN') return 'boolean';
  if (converted === 'DECIMAL' || logical === 'DECIMAL') return 'numeric';
  if (e.type === 'INT32' || e.type === 'INT64' || e.type === 'FLOAT' || e.type === 'DOUBLE') return 'numeric';
  if (logical === 'FLOAT16') return 'numeric';
  return 'text';
}

function toNumber(v: unknown): number {
  if (v === null || v === undefined) return NaN;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return Number(v);
}

function toText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const s = typeof v === 'string' ? v : v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : String(v);
  return classifyCell(s) === CELL_MISSING ? null : s;
}

function groupError(file: string, g: number, groups: number, start: number, end: number, e: unknown): CsvError {
  return new CsvError({ file }, `row group ${g + 1} of ${groups} (rows ${start + 1}-${end}) cannot be read: ${reason(e)}; the file is truncated or damaged`);
}

function reason(e: unknown): string {
  const m = e instanceof Error ? e.message : typeof e === 'string' ? e : String(e);
  return m.split('\n')[0].slice(0, 160);
}
