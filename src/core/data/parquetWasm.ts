import type * as ParquetWasm from 'parquet-wasm';
import { CELL_MISSING, classifyCell } from './csvCells';

/**
 * Decoding Parquet with parquet-wasm (Rust's parquet crate in WebAssembly):
 * BENCHMARKS.md "Parquet reading" measured it 7-8× faster than hyparquet on
 * 1,000,000 × 20 doubles (and 2× faster than DuckDB's reader into the same
 * columns). It hands back Arrow arrays in wasm memory; this file copies the
 * flat ones (numbers, booleans, UTF-8 text) into the frame's arrays through
 * the Arrow C data interface, and says "not mine" for anything else (dates,
 * decimals, dictionaries), which hyparquet then decodes.
 */

/** One column's destination: numbers (NaN missing) or texts (null missing), from row `rowStart` on. */
export interface ColumnTarget {
  readonly name: string;
  readonly numbers?: Float64Array;
  readonly texts?: (string | null)[];
}

let module: typeof ParquetWasm | null | undefined;

/** parquet-wasm, required on first use; null when it cannot load (its .wasm missing beside a bundle), so hyparquet reads instead. */
export function parquetWasm(): typeof ParquetWasm | null {
  if (module === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      module = require('parquet-wasm') as typeof ParquetWasm;
    } catch {
      module = null;
    }
  }
  return module;
}

/** Arrow formats this decoder copies: element size in bytes, or a kind. */
const NUMERIC: Readonly<Record<string, number>> = { g: 8, f: 4, l: 8, L: 8, i: 4, I: 4, s: 2, S: 2, c: 1, C: 1 };
const decoder = new TextDecoder();

/**
 * Decodes a whole file into `targets`. False, having written nothing, when a
 * column has an Arrow type not handled here. The synchronous reader, not
 * `ParquetFile.read`: on a damaged file the async one traps (a Rust panic)
 * and its promise never settles, while this one throws. After a trap
 * (`WebAssembly.RuntimeError`) the module is not used again in this process.
 */
export function readAllWasm(pw: typeof ParquetWasm, bytes: Uint8Array, rows: number, targets: readonly ColumnTarget[]): boolean {
  let table: ParquetWasm.Table;
  try {
    table = pw.readParquet(bytes, { batchSize: Math.max(1, Math.min(rows, 1 << 20)) });
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) module = null;
    throw e;
  }
  const stream = table.intoFFI();
  try {
    const memory = pw.wasmMemory() as WebAssembly.Memory;
    const view = new DataView(memory.buffer);
    const u32 = (p: number) => view.getUint32(p, true);
    const i64 = (p: number) => Number(view.getBigInt64(p, true));
    const cstr = (p: number) => {
      const bytes = new Uint8Array(memory.buffer);
      let end = p;
      while (bytes[end] !== 0) end++;
      return decoder.decode(bytes.subarray(p, end));
    };
    // ArrowSchema on wasm32: format, name, metadata (pointers), flags and n_children (int64 at 16, 24), children at 32, dictionary at 36.
    const schema = stream.schemaAddr();
    const fields = new Map<string, { index: number; format: string }>();
    const schemaKids = u32(schema + 32);
    for (let i = 0; i < i64(schema + 24); i++) {
      const child = u32(schemaKids + 4 * i);
      if (u32(child + 36) !== 0) return false; // dictionary-encoded
      fields.set(cstr(u32(child + 4)), { index: i, format: cstr(u32(child)) });
    }
    const plan = targets.map((t) => ({ target: t, field: fields.get(t.name) }));
    for (const { target, field } of plan) {
      if (field === undefined) return false;
      const ok = target.numbers !== undefined ? NUMERIC[field.format] !== undefined || field.format === 'b' : field.format === 'u' || field.format === 'U';
      if (!ok) return false;
    }
    // ArrowArray on wasm32: length, null_count, offset (int64 at 0, 8, 16), buffers at 40, children at 44.
    let row = 0;
    for (const batch of stream.arrayAddrs()) {
      const length = i64(batch);
      const children = u32(batch + 44);
      for (const { target, field } of plan) {
        const child = u32(children + 4 * field!.index);
        const offset = i64(child + 16);
        const buffers = u32(child + 40);
        const validity = u32(buffers);
        const valid = validity === 0 ? undefined : new Uint8Array(memory.buffer, validity);
        const isValid = (i: number) => valid === undefined || (valid[(offset + i) >> 3] & (1 << ((offset + i) & 7))) !== 0;
        if (target.numbers !== undefined) copyNumbers(memory, field!.format, u32(buffers + 4), offset, length, isValid, target.numbers, row);
        else copyTexts(memory, field!.format, u32(buffers + 4), u32(buffers + 8), offset, length, isValid, target.texts!, row);
      }
      row += length;
    }
    return true;
  } finally {
    stream.drop();
  }
}

function copyNumbers(memory: WebAssembly.Memory, format: string, data: number, offset: number, length: number,
  isValid: (i: number) => boolean, out: Float64Array, at: number): void {
  if (format === 'b') {
    const bits = new Uint8Array(memory.buffer, data);
    for (let i = 0; i < length; i++) out[at + i] = isValid(i) ? ((bits[(offset + i) >> 3] >> ((offset + i) & 7)) & 1) : NaN;
    return;
  }
  const size = NUMERIC[format];
  const start = data + offset * size;
  const values = format === 'g' ? new Float64Array(memory.buffer, start, length)
    : format === 'f' ? new Float32Array(memory.buffer, start, length)
      : format === 'l' ? new BigInt64Array(memory.buffer, start, length)
        : format === 'L' ? new BigUint64Array(memory.buffer, start, length)
          : format === 'i' ? new Int32Array(memory.buffer, start, length)
            : format === 'I' ? new Uint32Array(memory.buffer, start, length)
              : format === 's' ? new Int16Array(memory.buffer, start, length)
                : format === 'S' ? new Uint16Array(memory.buffer, start, length)
                  : format === 'c' ? new Int8Array(memory.buffer, start, length)
                    : new Uint8Array(memory.buffer, start, length);
  if (values instanceof Float64Array) {
    out.set(values, at);
  } else if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    for (let i = 0; i < length; i++) out[at + i] = Number(values[i]);
  } else {
    for (let i = 0; i < length; i++) out[at + i] = values[i];
  }
  for (let i = 0; i < length; i++) if (!isValid(i)) out[at + i] = NaN;
}

function copyTexts(memory: WebAssembly.Memory, format: string, offsetsPtr: number, dataPtr: number, offset: number, length: number,
  isValid: (i: number) => boolean, out: (string | null)[], at: number): void {
  const offsets = format === 'u' ? new Int32Array(memory.buffer, offsetsPtr + 4 * offset, length + 1) : new BigInt64Array(memory.buffer, offsetsPtr + 8 * offset, length + 1);
  const bytes = new Uint8Array(memory.buffer);
  for (let i = 0; i < length; i++) {
    if (!isValid(i)) {
      out[at + i] = null;
      continue;
    }
    const s = decoder.decode(bytes.subarray(dataPtr + Number(offsets[i]), dataPtr + Number(offsets[i + 1])));
    out[at + i] = classifyCell(s) === CELL_MISSING ? null : s;
  }
}
