/**
 * Reading Parquet (#18): a 1,000,000 × 20 file of doubles, snappy-compressed,
 * written by DuckDB's COPY … (FORMAT parquet, COMPRESSION snappy), read into
 * one Float64Array per column, in the same run, best of 3 each:
 * - RunLens's `readParquet` (parquet-wasm's decoder, hyparquet for the footer
 *   and what parquet-wasm does not copy; the file's sha256 included, as a
 *   training needs it);
 * - DuckDB's reader (`read_parquet`, the reference), chunk by chunk;
 * - the two candidates alone: hyparquet (`parquetRead`) and parquet-wasm
 *   (Arrow in wasm memory, copied out through the C data interface).
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { readParquet as wasmReadParquet, wasmMemory } from 'parquet-wasm';
import { parquetRead } from 'hyparquet';
import { readParquet } from '../../src/core/data/parquetReader';
import type { BenchResult } from './types';

const ROWS = 1_000_000;
const COLUMNS = 20;
const REPEATS = 3;

async function best(fn: () => Promise<void> | void): Promise<number> {
  let min = Infinity;
  for (let i = 0; i < REPEATS; i++) {
    const t = performance.now();
    await fn();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

/** parquet-wasm: the file decoded to Arrow in wasm memory, each double column copied into a Float64Array. */
function readWithParquetWasm(bytes: Uint8Array): Float64Array[] {
  const table = wasmReadParquet(bytes);
  const stream = table.intoFFI();
  const memory = wasmMemory() as WebAssembly.Memory;
  const view = new DataView(memory.buffer);
  // ArrowArray on wasm32: five int64 (length, null_count, offset, n_buffers, n_children), then 32-bit pointers (buffers, children, …).
  const columns = Array.from({ length: COLUMNS }, () => new Float64Array(ROWS));
  let row = 0;
  for (const batch of stream.arrayAddrs()) {
    const length = Number(view.getBigInt64(batch, true));
    const children = view.getUint32(batch + 44, true);
    for (let c = 0; c < COLUMNS; c++) {
      const child = view.getUint32(children + 4 * c, true);
      const offset = Number(view.getBigInt64(child + 16, true));
      const buffers = view.getUint32(child + 40, true);
      const values = view.getUint32(buffers + 4, true);
      columns[c].set(new Float64Array(memory.buffer, values + 8 * offset, length), row);
    }
    row += length;
  }
  stream.drop();
  if (row !== ROWS) throw new Error(`parquet-wasm read ${row} rows`);
  return columns;
}

export async function benchParquet(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-bench-parquet-'));
  try {
    const file = join(dir, 'bench.parquet');
    const instance = await DuckDBInstance.create(':memory:');
    const db = await instance.connect();
    const cols = Array.from({ length: COLUMNS }, (_, c) => `random() * ${10 ** ((c % 5) - 2)} AS x${c}`).join(', ');
    await db.run(`COPY (SELECT ${cols} FROM range(${ROWS})) TO '${file}' (FORMAT parquet, COMPRESSION snappy)`);
    const mb = statSync(file).size / 2 ** 20;

    let checksum = 0;
    const runlens = await best(async () => {
      const frame = await readParquet(file);
      if (frame.rows !== ROWS || frame.columns.length !== COLUMNS) throw new Error('readParquet: wrong shape');
      checksum = (frame.columns[3].values as Float64Array)[12345];
    });
    // DuckDB: the same columns, a Float64Array each (NaN for NULL), filled chunk by chunk.
    let duckChecksum = 0;
    const duck = await best(async () => {
      const result = await db.run(`SELECT * FROM read_parquet('${file}')`);
      const columns = Array.from({ length: COLUMNS }, () => new Float64Array(ROWS));
      let row = 0;
      for (let chunk = await result.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
        const n = chunk.rowCount;
        for (let c = 0; c < COLUMNS; c++) {
          const vector = chunk.getColumnVector(c);
          const out = columns[c];
          for (let i = 0; i < n; i++) out[row + i] = (vector.getItem(i) as number | null) ?? NaN;
        }
        row += n;
      }
      if (row !== ROWS) throw new Error(`duckdb read ${row} rows`);
      duckChecksum = columns[3][12345];
    });
    if (duckChecksum !== checksum) throw new Error(`readers disagree: ${checksum} vs ${duckChecksum}`);
    const hyparquet = await best(async () => {
      const bytes = readFileSync(file);
      const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      const columns = new Map(Array.from({ length: COLUMNS }, (_, c) => [`x${c}`, new Float64Array(ROWS)]));
      await parquetRead({ file: ab, onChunk: (chunk) => {
        const out = columns.get(chunk.columnName)!;
        const data = chunk.columnData;
        for (let i = 0; i < data.length; i++) out[chunk.rowStart + i] = (data[i] as number | null) ?? NaN;
      } });
      if (columns.get('x3')![12345] !== checksum) throw new Error('hyparquet disagrees');
    });
    let wasm = NaN;
    let wasmNote = '';
    try {
      const bytes = readFileSync(file);
      wasm = await best(() => {
        const columns = readWithParquetWasm(bytes);
        if (columns[3][12345] !== checksum) throw new Error('parquet-wasm disagrees');
      });
    } catch (e) {
      wasmNote = `parquet-wasm failed: ${(e as Error).message}`;
    }
    db.closeSync();
    instance.closeSync();
    const what = `${ROWS.toLocaleString('en')} × ${COLUMNS} doubles, snappy, ${mb.toFixed(0)} MB; best of ${REPEATS}`;
    return [
      { name: 'read Parquet into columns: readParquet (RunLens: parquet-wasm)', value: runlens, unit: 'ms', reference: duck, referenceName: 'DuckDB read_parquet', note: `${what}; includes reading the file and its sha256` },
      { name: 'read Parquet into columns: hyparquet alone (candidate)', value: hyparquet, unit: 'ms', reference: duck, referenceName: 'DuckDB read_parquet', note: `${what}; includes reading the file` },
      { name: 'read Parquet into columns: parquet-wasm alone (candidate)', value: wasm, unit: 'ms', reference: duck, referenceName: 'DuckDB read_parquet', note: wasmNote || `${what}; file read outside the timing` },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
