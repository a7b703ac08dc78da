/**
 * Rows of both files, hash-partitioned (by key, or by row content without a
 * key) so each partition pair can be compared on its own. Partitions stay in
 * memory while the whole store is under the memory budget and move to temp
 * files once it is not; either way a partition is read back as chunks of
 * columnar rows.
 *
 * Chunk layout (little-endian, every section 8-byte aligned so typed arrays
 * can view it):
 *   u32 rows, u32 columns, u32 inline-text bytes, u32 0
 *   u32 line[rows]                        physical line where each row starts
 *   u8  hasTexts[columns]
 *   f64 value[columns][rows]              numbers; booleans 1/0; NaN otherwise
 *   i32 text[columns with texts][rows]    -1 no text, >= 0 dictionary id, -2 inline
 *   inline texts: (u32 byte length, UTF-8 bytes)...   in column, then row order
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { RowScanner } from '../data/csvScan';
import type { TextDictionary } from './cellHash';

export const NO_TEXT = -1;
export const INLINE_TEXT = -2;

const pad8 = (n: number): number => (n + 7) & ~7;

/**
 * Rows of one file in one partition, held as growable columns. In memory
 * the comparison reads these arrays directly; spilled, they are encoded as
 * a chunk per batch.
 */
export class MemoryPartition {
  rows = 0;
  private cap: number;
  private lines: Uint32Array;
  private values: Float64Array[];
  private ids: (Int32Array | undefined)[];
  private inline: (Map<number, string> | undefined)[];

  constructor(private readonly ncols: number, capacity: number) {
    this.cap = Math.max(16, Math.ceil(capacity));
    this.lines = new Uint32Array(this.cap);
    this.values = Array.from({ length: ncols }, () => new Float64Array(this.cap));
    this.ids = new Array(ncols).fill(undefined);
    this.inline = new Array(ncols).fill(undefined);
  }

  /** Bytes held (capacity, not rows). */
  get bytes(): number {
    return this.cap * (4 + 8 * this.ncols + 4 * this.ids.filter((x) => x !== undefined).length);
  }

  /** Copies rows `order[0..count)` of the scanner's batch; texts become dictionary ids. */
  append(scanner: RowScanner, order: Int32Array, count: number, dict: TextDictionary): void {
    if (this.rows + count > this.cap) this.grow(Math.max(this.rows + count, Math.ceil(this.cap * 1.5)));
    const at = this.rows;
    for (let i = 0; i < count; i++) this.lines[at + i] = scanner.lines[order[i]];
    for (let c = 0; c < this.ncols; c++) {
      const dst = this.values[c];
      const src = scanner.values[c];
      for (let i = 0; i < count; i++) dst[at + i] = src[order[i]];
      const texts = scanner.texts[c];
      if (texts === undefined) continue;
      const ids = this.ids[c] ?? (this.ids[c] = new Int32Array(this.cap).fill(NO_TEXT));
      for (let i = 0; i < count; i++) {
        const t = texts[order[i]];
        if (t === undefined) continue;
        const id = dict.id(t);
        ids[at + i] = id >= 0 ? id : INLINE_TEXT;
        if (id < 0) (this.inline[c] ??= new Map()).set(at + i, t);
      }
    }
    this.rows += count;
  }

  /** The rows as columns (views, no copy). */
  view(): PartitionRows {
    const n = this.rows;
    return {
      rows: n, lines: this.lines.subarray(0, n), values: this.values.map((v) => v.subarray(0, n)),
      ids: this.ids.map((x) => x?.subarray(0, n)), inline: this.inline,
    };
  }

  private grow(cap: number): void {
    const lines = new Uint32Array(cap);
    lines.set(this.lines.subarray(0, this.rows));
    this.lines = lines;
    this.values = this.values.map((v) => {
      const b = new Float64Array(cap);
      b.set(v.subarray(0, this.rows));
      return b;
    });
    this.ids = this.ids.map((x) => {
      if (x === undefined) return undefined;
      const b = new Int32Array(cap).fill(NO_TEXT);
      b.set(x.subarray(0, this.rows));
      return b;
    });
    this.cap = cap;
  }
}

/** Encodes columnar rows as one chunk (layout above). */
export function encodeRows(part: PartitionRows): Buffer {
  const count = part.rows;
  const ncols = part.values.length;
  const withTexts: number[] = [];
  for (let c = 0; c < ncols; c++) if (part.ids[c] !== undefined) withTexts.push(c);
  const inline: Buffer[] = [];
  let inlineBytes = 0;
  for (const c of withTexts) {
    const ids = part.ids[c] as Int32Array;
    for (let i = 0; i < count; i++) {
      if (ids[i] !== INLINE_TEXT) continue;
      const bytes = Buffer.from(part.inline[c]?.get(i) ?? '', 'utf8');
      const len = Buffer.allocUnsafe(4);
      len.writeUInt32LE(bytes.length);
      inline.push(len, bytes);
      inlineBytes += 4 + bytes.length;
    }
  }
  const size = 16 + pad8(4 * count) + pad8(ncols) + 8 * count * ncols + withTexts.length * pad8(4 * count) + pad8(inlineBytes);
  const out = Buffer.alloc(size);
  const ab = out.buffer;
  const base = out.byteOffset;
  const head = new Uint32Array(ab, base, 4);
  head[0] = count;
  head[1] = ncols;
  head[2] = inlineBytes;
  let off = 16;
  new Uint32Array(ab, base + off, count).set(part.lines);
  off += pad8(4 * count);
  for (const c of withTexts) out[off + c] = 1;
  off += pad8(ncols);
  for (let c = 0; c < ncols; c++) {
    new Float64Array(ab, base + off, count).set(part.values[c]);
    off += 8 * count;
  }
  for (const c of withTexts) {
    new Int32Array(ab, base + off, count).set(part.ids[c] as Int32Array);
    off += pad8(4 * count);
  }
  for (const b of inline) {
    b.copy(out, off);
    off += b.length;
  }
  return out;
}

/** The rows of one file in one partition, columnar. */
export interface PartitionRows {
  readonly rows: number;
  readonly lines: Uint32Array;
  readonly values: Float64Array[];
  /** Per column: text ids (see `NO_TEXT`, `INLINE_TEXT`), or undefined when the column has no text cell here. */
  readonly ids: (Int32Array | undefined)[];
  /** Per column: inline texts by row. */
  readonly inline: (Map<number, string> | undefined)[];
}

/** Decodes back-to-back chunks into one set of columns. */
export function decodeChunks(buffers: readonly Buffer[], ncols: number): PartitionRows {
  const chunks: { buf: Buffer; off: number; n: number }[] = [];
  let rows = 0;
  const hasIds = new Array<boolean>(ncols).fill(false);
  for (let buf of buffers) {
    if (buf.byteOffset % 8 !== 0) buf = Buffer.from(buf); // typed-array views need 8-byte alignment
    let off = 0;
    while (off < buf.length) {
      const n = buf.readUInt32LE(off);
      const inlineBytes = buf.readUInt32LE(off + 8);
      chunks.push({ buf, off, n });
      rows += n;
      const flags = off + 16 + pad8(4 * n);
      let texts = 0;
      for (let c = 0; c < ncols; c++) {
        if (buf[flags + c] === 1) {
          hasIds[c] = true;
          texts++;
        }
      }
      off += 16 + pad8(4 * n) + pad8(ncols) + 8 * n * ncols + texts * pad8(4 * n) + pad8(inlineBytes);
    }
  }
  const lines = new Uint32Array(rows);
  const values = Array.from({ length: ncols }, () => new Float64Array(rows));
  const ids = hasIds.map((h) => (h ? new Int32Array(rows).fill(NO_TEXT) : undefined));
  const inline: (Map<number, string> | undefined)[] = new Array(ncols).fill(undefined);
  let at = 0;
  for (const { buf, off: start, n } of chunks) {
    const ab = buf.buffer;
    const base = buf.byteOffset + start;
    lines.set(new Uint32Array(ab, base + 16, n), at);
    let off = 16 + pad8(4 * n);
    const flags = off;
    off += pad8(ncols);
    for (let c = 0; c < ncols; c++) {
      values[c].set(new Float64Array(ab, base + off, n), at);
      off += 8 * n;
    }
    const textCols: number[] = [];
    for (let c = 0; c < ncols; c++) {
      if (buf[start + flags + c] !== 1) continue;
      textCols.push(c);
      (ids[c] as Int32Array).set(new Int32Array(ab, base + off, n), at);
      off += pad8(4 * n);
    }
    let s = start + off;
    for (const c of textCols) {
      const colIds = ids[c] as Int32Array;
      for (let i = 0; i < n; i++) {
        if (colIds[at + i] !== INLINE_TEXT) continue;
        const len = buf.readUInt32LE(s);
        const map = inline[c] ?? (inline[c] = new Map());
        map.set(at + i, buf.toString('utf8', s + 4, s + 4 + len));
        s += 4 + len;
      }
    }
    at += n;
  }
  return { rows, lines, values, ids, inline };
}

/**
 * Rows of both files per partition, in memory until their total passes
 * `budget` bytes, then in files under `dir` (one per file and partition).
 */
export class PartitionStore {
  private memory: (MemoryPartition | undefined)[][];
  private readonly fds: number[][] = [];
  private held = 0;
  spilled = false;

  constructor(readonly count: number, private readonly dir: string, private readonly budget: number, private readonly ncols: readonly [number, number]) {
    this.memory = [0, 1].map(() => new Array<MemoryPartition | undefined>(count).fill(undefined));
  }

  /**
   * Adds rows `order[0..n)` of the scanner's batch to a partition.
   * `expectedRows` sizes a new in-memory partition (so it rarely grows).
   */
  append(side: 0 | 1, partition: number, scanner: RowScanner, order: Int32Array, n: number, dict: TextDictionary, expectedRows: number): void {
    if (this.spilled) {
      const chunk = new MemoryPartition(this.ncols[side], n);
      chunk.append(scanner, order, n, dict);
      writeSync(this.fds[side][partition], encodeRows(chunk.view()));
      return;
    }
    const mem = this.memory[side][partition] ?? (this.memory[side][partition] = new MemoryPartition(this.ncols[side], expectedRows));
    const before = mem.bytes;
    mem.append(scanner, order, n, dict);
    this.held += mem.bytes - before;
    if (this.held > this.budget) this.spill();
  }

  /** The rows of one file in one partition; the partition's memory or file is released. */
  take(side: 0 | 1, partition: number): PartitionRows {
    if (!this.spilled) {
      const mem = this.memory[side][partition];
      this.memory[side][partition] = undefined;
      return mem ? mem.view() : decodeChunks([], this.ncols[side]);
    }
    const path = this.path(side, partition);
    closeSync(this.fds[side][partition]);
    this.fds[side][partition] = -1;
    const buf = readFileSync(path);
    rmSync(path, { force: true });
    return decodeChunks([buf], this.ncols[side]);
  }

  /** Closes any open file (the files themselves go with the temp directory). */
  close(): void {
    for (const side of this.fds) {
      for (let p = 0; p < side.length; p++) {
        if (side[p] >= 0) closeSync(side[p]);
        side[p] = -1;
      }
    }
  }

  private spill(): void {
    this.spilled = true;
    for (const side of [0, 1] as const) {
      this.fds[side] = [];
      for (let p = 0; p < this.count; p++) {
        const fd = openSync(this.path(side, p), 'w');
        this.fds[side].push(fd);
        const mem = this.memory[side][p];
        if (mem && mem.rows > 0) writeSync(fd, encodeRows(mem.view()));
      }
    }
    this.memory = [[], []];
    this.held = 0;
  }

  private path(side: 0 | 1, partition: number): string {
    return join(this.dir, `${side === 0 ? 'a' : 'b'}-${partition}.part`);
  }
}
