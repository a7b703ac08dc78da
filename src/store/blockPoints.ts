/**
 * The packed points of one roll-up block (schema 9's `metric_blocks.points`):
 * its steps, timestamps and values, so a full history reads one row per block
 * instead of one per point (packedHistory.ts).
 *
 * Layout, little-endian on every platform: a 4-byte header (format version,
 * then one encoding byte per column: steps, timestamps, values), then the
 * three columns, each in one of:
 * - AFFINE: base and delta as float64; point i is `base + i * delta`;
 * - U8 … U32: base (the column's minimum) as float64, then one unsigned
 *   offset per point of 1 to 4 bytes; point i is `base + offset[i]`;
 * - F64: every point as float64.
 * An encoding is chosen only when decoding gives back every double bit for bit
 * (checked with the decoder's own arithmetic), so the packing is lossless.
 *
 * Why not simply 3 × 64 float64s (1,536 bytes): metric_blocks is a WITHOUT
 * ROWID table, whose rows keep at most 1,002 bytes on their B-tree page with
 * 4 KiB pages; the rest goes to an overflow page of its own. Measured on the
 * bench's 1,000,000 points: 73 bytes per point for the plain layout against
 * 16 for an 800-byte row, next to the 33 bytes per point metric_points
 * already takes. With about 90 bytes of roll-up columns beside it, a blob
 * stays on its page up to ~910 bytes: steps U16 with timestamps U24 (spans
 * under 4.6 hours per 64 points) and float64 values is 852; U16 with U32
 * (916) overflows, still read right.
 */

export const PACK_FORMAT = 1;

const AFFINE = 0;
// 1 … 4 (U8 … U32) are their offset width in bytes.
const F64 = 5;
const HEADER_BYTES = 4;

const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/** Bytes of one column section of `n` points in encoding `enc`. */
function sectionBytes(enc: number, n: number): number {
  if (enc === AFFINE) return 16;
  if (enc === F64) return 8 * n;
  return 8 + enc * n;
}

/** The encoding of column `xs[off .. off + n)` and its base (U8 … U32) or base and delta (AFFINE). */
function chooseEncoding(xs: Float64Array, off: number, n: number): { enc: number; base: number; delta: number } {
  const x0 = xs[off];
  const delta = n > 1 ? xs[off + 1] - x0 : 0;
  let affine = true;
  for (let i = 0; i < n && affine; i++) affine = x0 + i * delta === xs[off + i];
  if (affine) return { enc: AFFINE, base: x0, delta };
  let base = x0;
  for (let i = 1; i < n; i++) if (xs[off + i] < base) base = xs[off + i];
  let maxOffset = 0;
  for (let i = 0; i < n; i++) {
    const x = xs[off + i];
    const o = x - base;
    // NaN and ±Infinity fail the range test, so they are always stored as F64.
    if (!(o >= 0 && o <= 0xffffffff) || Math.floor(o) !== o || base + o !== x) return { enc: F64, base: 0, delta: 0 };
    if (o > maxOffset) maxOffset = o;
  }
  let width = 1;
  while (maxOffset >= 2 ** (8 * width)) width++;
  return { enc: width, base, delta: 0 };
}

/**
 * Packs `n` points held as three columns of `cols` (steps at 0, timestamps
 * at n, values at 2n). Values must already be the doubles a read of the
 * rows gives back (NaN canonical, -0 as 0).
 */
export function packPoints(cols: Float64Array, n: number): Uint8Array {
  const encs = [0, 1, 2].map((c) => chooseEncoding(cols, c * n, n));
  let size = HEADER_BYTES;
  for (const e of encs) size += sectionBytes(e.enc, n);
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  bytes[0] = PACK_FORMAT;
  let at = HEADER_BYTES;
  encs.forEach((e, c) => {
    bytes[1 + c] = e.enc;
    const off = c * n;
    if (e.enc === AFFINE) {
      view.setFloat64(at, e.base, true);
      view.setFloat64(at + 8, e.delta, true);
    } else if (e.enc === F64) {
      for (let i = 0; i < n; i++) view.setFloat64(at + 8 * i, cols[off + i], true);
    } else {
      view.setFloat64(at, e.base, true);
      const p = at + 8;
      for (let i = 0; i < n; i++) {
        const o = cols[off + i] - e.base;
        if (e.enc === 1) view.setUint8(p + i, o);
        else if (e.enc === 2) view.setUint16(p + 2 * i, o, true);
        else if (e.enc === 3) {
          view.setUint16(p + 3 * i, o & 0xffff, true);
          view.setUint8(p + 3 * i + 2, o >>> 16);
        } else view.setUint32(p + 4 * i, o, true);
      }
    }
    at += sectionBytes(e.enc, n);
  });
  return bytes;
}

/** Output columns being filled, with byte views for the F64 fast path. */
export class HistoryColumns {
  readonly steps: Float64Array;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  private readonly bytes: Uint8Array[];

  constructor(readonly length: number) {
    this.steps = new Float64Array(length);
    this.timestamps = new Float64Array(length);
    this.values = new Float64Array(length);
    this.bytes = [this.steps, this.timestamps, this.values].map((a) => new Uint8Array(a.buffer));
  }

  /**
   * Decodes points [from, to) of a block of `n` packed points into positions
   * `at …` of the columns. False when the blob is not a block of `n` points
   * in a format this version reads (the caller then reads the rows).
   */
  unpack(blob: Uint8Array, n: number, from: number, to: number, at: number): boolean {
    if (blob.length < HEADER_BYTES || blob[0] !== PACK_FORMAT) return false;
    let size = HEADER_BYTES;
    for (let c = 0; c < 3; c++) {
      if (blob[1 + c] > F64) return false;
      size += sectionBytes(blob[1 + c], n);
    }
    if (blob.length !== size) return false;
    const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
    const outs = [this.steps, this.timestamps, this.values];
    let sec = HEADER_BYTES;
    for (let c = 0; c < 3; c++) {
      const enc = blob[1 + c];
      const out = outs[c];
      if (enc === F64) {
        if (LITTLE_ENDIAN) this.bytes[c].set(blob.subarray(sec + 8 * from, sec + 8 * to), 8 * at);
        else for (let i = from; i < to; i++) out[at + i - from] = view.getFloat64(sec + 8 * i, true);
      } else {
        const base = view.getFloat64(sec, true);
        if (enc === AFFINE) {
          const delta = view.getFloat64(sec + 8, true);
          for (let i = from; i < to; i++) out[at + i - from] = base + i * delta;
        } else {
          const p = sec + 8;
          if (enc === 1) for (let i = from; i < to; i++) out[at + i - from] = base + blob[p + i];
          else if (enc === 2) for (let i = from; i < to; i++) out[at + i - from] = base + view.getUint16(p + 2 * i, true);
          else if (enc === 3) for (let i = from; i < to; i++) out[at + i - from] = base + (view.getUint16(p + 3 * i, true) + blob[p + 3 * i + 2] * 65536);
          else for (let i = from; i < to; i++) out[at + i - from] = base + view.getUint32(p + 4 * i, true);
        }
      }
      sec += sectionBytes(enc, n);
    }
    return true;
  }
}

/**
 * The points of the block being filled, as the packer wants them. A point the
 * packing cannot hold exactly as the row holds it (a timestamp that is not a
 * number) leaves the block unpacked: its `points` stay NULL and reads of the
 * series take the rows.
 */
export class OpenBlockPoints {
  cols: Float64Array;
  packable = true;

  constructor(readonly n: number) {
    this.cols = new Float64Array(3 * n);
  }

  /** Point `i` of the block, stored as a read of its row returns it. */
  set(i: number, step: number, ts: number, value: number): void {
    if (typeof ts !== 'number' || ts !== ts) this.packable = false;
    const c = this.cols;
    // SQLite keeps -0 as 0 and NaN as NULL (read back as NaN): canonical NaN here.
    c[i] = step === 0 ? 0 : step;
    c[this.n + i] = ts === 0 ? 0 : ts;
    c[2 * this.n + i] = value !== value ? NaN : value === 0 ? 0 : value;
  }

  /** The packed block, or null when it cannot be packed. Resets for the next block. */
  take(): Uint8Array | null {
    const packed = this.packable ? packPoints(this.cols, this.n) : null;
    this.packable = true;
    return packed;
  }

  clone(): OpenBlockPoints {
    const c = new OpenBlockPoints(this.n);
    c.cols = this.cols.slice();
    c.packable = this.packable;
    return c;
  }
}
