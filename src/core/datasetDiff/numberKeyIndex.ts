import { finish, hashNumber } from './cellHash';

/**
 * Row index by a numeric key: open addressing over typed arrays. Written by
 * hand because a `Map` keyed by doubles boxes every key and was the slowest
 * step of a keyed diff (half a second per 200,000 rows). Keys compare like
 * `Map` keys (SameValueZero): NaN equals NaN, -0 equals 0.
 */
export class NumberKeyIndex {
  private readonly keys: Float64Array;
  /** Row + 1 per slot; 0 is an empty slot. */
  private readonly rows: Int32Array;
  private readonly mask: number;

  constructor(capacity: number) {
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.keys = new Float64Array(size);
    this.rows = new Int32Array(size);
    this.mask = size - 1;
  }

  /** Adds `key` for `row`; returns the row already holding the key, or -1 when it is new. */
  add(key: number, row: number): number {
    const { keys, rows, mask } = this;
    let slot = finish(hashNumber(0, key !== key ? NaN : key)) & mask;
    for (;;) {
      const r = rows[slot];
      if (r === 0) {
        keys[slot] = key;
        rows[slot] = row + 1;
        return -1;
      }
      const k = keys[slot];
      if (k === key || (k !== k && key !== key)) return r - 1;
      slot = (slot + 1) & mask;
    }
  }

  /** The row holding `key`, or -1. */
  get(key: number): number {
    const { keys, rows, mask } = this;
    let slot = finish(hashNumber(0, key !== key ? NaN : key)) & mask;
    for (;;) {
      const r = rows[slot];
      if (r === 0) return -1;
      const k = keys[slot];
      if (k === key || (k !== k && key !== key)) return r - 1;
      slot = (slot + 1) & mask;
    }
  }
}
