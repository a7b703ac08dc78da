/**
 * The spill format of partitioned rows: columnar chunks, one per batch,
 * written back to back, and their decoding (from buffers, or a file read
 * chunk by chunk).
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
import { fstatSync, readSync } from 'node:fs';

export const NO_TEXT = -1;
export const INLINE_TEXT = -2;

const pad8 = (n: number): number => (n + 7) & ~7;

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

/** Where one chunk is: its buffer (8-byte aligned), its start in it, its rows. */
interface ChunkRef {
  readonly buf: Buffer;
  readonly off: number;
  readonly n: number;
}

/** A chunk's row count and total bytes from its header and flags (`head` starts at the chunk); marks its text columns in `hasIds`. */
function chunkExtent(head: Buffer, flags: Buffer, flagsAt: number, ncols: number, hasIds: boolean[]): { n: number; bytes: number } {
  const n = head.readUInt32LE(0);
  const inlineBytes = head.readUInt32LE(8);
  let texts = 0;
  for (let c = 0; c < ncols; c++) {
    if (flags[flagsAt + c] === 1) {
      hasIds[c] = true;
      texts++;
    }
  }
  return { n, bytes: 16 + pad8(4 * n) + pad8(ncols) + 8 * n * ncols + texts * pad8(4 * n) + pad8(inlineBytes) };
}

/** Column arrays that decoded rows view, with room for `cap` rows; kept by the store to decode the next partition into. */
export interface RowBuffers {
  readonly cap: number;
  readonly lines: Uint32Array;
  readonly values: Float64Array[];
  readonly ids: (Int32Array | undefined)[];
}

/**
 * Columns for `rows` rows (ids only for columns with texts), as views of
 * `spare`'s arrays when they have room, else of new ones with `headroom`.
 */
function allocRows(rows: number, hasIds: readonly boolean[], spare?: RowBuffers, headroom = 1): { part: PartitionRows; buffers: RowBuffers } {
  const fits = spare !== undefined && spare.cap >= rows;
  const cap = fits ? spare.cap : Math.ceil(rows * headroom);
  const buffers: RowBuffers = {
    cap,
    lines: fits ? spare.lines : new Uint32Array(cap),
    values: hasIds.map((_, c) => (fits ? spare.values[c] : new Float64Array(cap))),
    ids: hasIds.map((h, c) => (fits ? spare.ids[c] : undefined) ?? (h ? new Int32Array(cap) : undefined)),
  };
  const part: PartitionRows = {
    rows, lines: buffers.lines.subarray(0, rows), values: buffers.values.map((v) => v.subarray(0, rows)),
    ids: hasIds.map((h, c) => (h ? (buffers.ids[c] as Int32Array).subarray(0, rows).fill(NO_TEXT) : undefined)),
    inline: new Array(hasIds.length).fill(undefined),
  };
  return { part, buffers };
}

/** Copies one chunk's rows into `out` from row `at`. */
function decodeChunkInto({ buf, off: start, n }: ChunkRef, ncols: number, out: PartitionRows, at: number): void {
  const { lines, values, ids, inline } = out;
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
}

/** Decodes back-to-back chunks into one set of columns. */
export function decodeChunks(buffers: readonly Buffer[], ncols: number): PartitionRows {
  const chunks: ChunkRef[] = [];
  let rows = 0;
  const hasIds = new Array<boolean>(ncols).fill(false);
  for (let buf of buffers) {
    if (buf.byteOffset % 8 !== 0) buf = Buffer.from(buf); // typed-array views need 8-byte alignment
    let off = 0;
    while (off < buf.length) {
      const head = buf.subarray(off);
      const { n, bytes } = chunkExtent(head, head, 16 + pad8(4 * head.readUInt32LE(0)), ncols, hasIds);
      chunks.push({ buf, off, n });
      rows += n;
      off += bytes;
    }
  }
  const out = allocRows(rows, hasIds).part;
  let at = 0;
  for (const chunk of chunks) {
    decodeChunkInto(chunk, ncols, out, at);
    at += chunk.n;
  }
  return out;
}

/**
 * Decodes a spill file chunk by chunk: a pass over the chunk headers sizes
 * the columns, a second reads each chunk into one reused buffer. Reading the
 * file whole first (as `decodeChunks` would need) held every partition twice
 * while it was decoded: ~200 MB more at the peak of a 2 GB diff. With
 * `spare`, the columns are views of its arrays when they have room.
 */
export function decodeFile(fd: number, ncols: number, spare?: RowBuffers): { part: PartitionRows; buffers: RowBuffers } {
  const size = fstatSync(fd).size;
  const head = Buffer.alloc(16);
  const flags = Buffer.alloc(Math.max(1, ncols));
  const hasIds = new Array<boolean>(ncols).fill(false);
  const chunks: { off: number; n: number; bytes: number }[] = [];
  let rows = 0;
  let largest = 0;
  for (let off = 0; off < size;) {
    readExactly(fd, head, 16, off);
    readExactly(fd, flags, ncols, off + 16 + pad8(4 * head.readUInt32LE(0)));
    const { n, bytes } = chunkExtent(head, flags, 0, ncols, hasIds);
    chunks.push({ off, n, bytes });
    rows += n;
    largest = Math.max(largest, bytes);
    off += bytes;
  }
  // 10% headroom: the next partition, about as large, fits in these arrays.
  const out = allocRows(rows, hasIds, spare, 1.1);
  // Its own ArrayBuffer (not the pool's), so typed-array views of it are 8-byte aligned.
  const buf = Buffer.alloc(largest);
  let at = 0;
  for (const { off, n, bytes } of chunks) {
    readExactly(fd, buf, bytes, off);
    decodeChunkInto({ buf, off: 0, n }, ncols, out.part, at);
    at += n;
  }
  return out;
}

function readExactly(fd: number, into: Buffer, length: number, position: number): void {
  for (let done = 0; done < length;) {
    const got = readSync(fd, into, done, length - done, position + done);
    if (got === 0) throw new Error(`spill file ended early at byte ${position + done}`);
    done += got;
  }
}
