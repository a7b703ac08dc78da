/**
 * 32-bit hashes of scanned cells, used to send rows to partitions and to
 * fingerprint whole columns for rename detection. Hand-written (multiply-
 * xorshift mixing as in MurmurHash3's finalizer) because node:crypto costs a
 * call and a buffer per cell, which is most of the time at 20 million cells.
 * A hash only routes rows: equal cells always hash alike, and the cells
 * themselves are compared exactly afterwards.
 */

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

export const MISSING_HASH = 0x2545f491;

/** Mixes a number into `h`; -0 hashes as 0 (they are the same key). */
export function hashNumber(h: number, v: number): number {
  f64[0] = v === 0 ? 0 : v;
  h = Math.imul(h ^ u32[0], 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 15) ^ u32[1], 0x85ebca77);
  return h ^ (h >>> 13);
}

/** Mixes a string into `h` (FNV-1a over UTF-16 code units, then the length). */
export function hashString(h: number, s: string): number {
  let x = h ^ 0x811c9dc5;
  for (let i = 0; i < s.length; i++) x = Math.imul(x ^ s.charCodeAt(i), 16777619);
  x = Math.imul(x ^ s.length, 0xc2b2ae35);
  return x ^ (x >>> 16);
}

export function hashMissing(h: number): number {
  return Math.imul(h ^ MISSING_HASH, 0x27d4eb2f);
}

/** MurmurHash3's 32-bit finalizer; spreads the bits before taking a modulus. */
export function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Mixes one scanned cell (its number and its text, as `RowScanner` leaves
 * them) into `h`. Boolean words hash as their 1/0 value: whether "yes" and
 * "true" are the same value depends on the column's final type, which is
 * known only after the whole file is read, so both must land together.
 */
export function hashCell(h: number, v: number, text: string | undefined): number {
  if (text !== undefined && v !== v) return hashString(h, text);
  if (v !== v) return hashMissing(h);
  return hashNumber(h, v);
}

/**
 * Interns cell texts as small integers shared by both files, so the spill
 * files hold 4 bytes per text cell and text comparison and category
 * counting work on integers. Past `maxEntries` distinct texts new ones are
 * not interned (the spill carries them inline), which bounds its memory.
 */
export class TextDictionary {
  private readonly ids = new Map<string, number>();
  readonly texts: string[] = [];

  constructor(private readonly maxEntries: number) {}

  /** The text's id, or -1 when the dictionary is full and does not hold it. */
  id(text: string): number {
    const id = this.ids.get(text);
    if (id !== undefined) return id;
    if (this.texts.length >= this.maxEntries) return -1;
    this.ids.set(text, this.texts.length);
    this.texts.push(text);
    return this.texts.length - 1;
  }
}
