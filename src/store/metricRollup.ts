import { OpenBlockPoints } from './blockPoints';

/**
 * Roll-up of metric points into blocks of {@link BLOCK_SIZE} consecutive
 * points (by seq). Each block keeps its first, last, min and max points, so a
 * downsampler can read one row per block instead of every point and spikes
 * still survive. Only maintained while a series' steps never go backwards.
 *
 * Completed blocks are written {@link FLUSH_BLOCKS} at a time, so most
 * batches do not touch the blocks table (each page a commit dirties costs a
 * WAL frame). Points after `rollup_n` (the points the stored blocks cover)
 * are the "tail", read raw by the downsampler. Since schema 9 each block
 * also holds its points packed (blockPoints.ts), which full history reads use.
 */
export const BLOCK_SIZE = 64;
export const BLOCK_SHIFT = 6;
export const FLUSH_BLOCKS = 16;
/** A writer without the tail in memory reads it back if it is at most this long, else gives the roll-up up. */
export const MAX_TAIL = 8192;

/** One point as the roll-up sees it; NaN values are allowed (min/max skip them). */
export interface RollPoint {
  step: number;
  ts: number;
  value: number;
}

export class BlockAccumulator {
  n = 0;
  firstStep = 0;
  firstTs = 0;
  firstValue = NaN;
  lastStep = 0;
  lastTs = 0;
  lastValue = NaN;
  // Flags instead of nulls: fields that only ever hold numbers stay unboxed
  // doubles in V8, so the per-point updates below allocate nothing.
  /** Whether a non-NaN value was seen (then the min and max fields hold its point). */
  hasMin = false;
  minStep = 0;
  minTs = 0;
  minValue = Infinity;
  hasMax = false;
  maxStep = 0;
  maxTs = 0;
  maxValue = -Infinity;

  reset(): void {
    this.n = 0;
    this.hasMin = this.hasMax = false;
    this.minValue = Infinity;
    this.maxValue = -Infinity;
  }

  /** Adds a point that comes after every point added so far. */
  add(step: number, ts: number, value: number): void {
    if (this.n++ === 0) {
      this.firstStep = step;
      this.firstTs = ts;
      this.firstValue = value;
    }
    this.lastStep = step;
    this.lastTs = ts;
    this.lastValue = value;
    // NaN fails both comparisons, so it never becomes min or max. Ties keep the
    // earlier point for min and max alike.
    if (value < this.minValue || (!this.hasMin && value === Infinity)) {
      this.hasMin = true;
      this.minValue = value;
      this.minStep = step;
      this.minTs = ts;
    }
    if (value > this.maxValue || (!this.hasMax && value === -Infinity)) {
      this.hasMax = true;
      this.maxValue = value;
      this.maxStep = step;
      this.maxTs = ts;
    }
  }

  clone(): BlockAccumulator {
    return Object.assign(new BlockAccumulator(), this);
  }

  /** Appends the aggregate of later points. */
  merge(o: BlockAccumulator): void {
    if (o.n === 0) return;
    if (this.n === 0) {
      Object.assign(this, o);
      return;
    }
    this.n += o.n;
    this.lastStep = o.lastStep;
    this.lastTs = o.lastTs;
    this.lastValue = o.lastValue;
    if (o.hasMin && (!this.hasMin || o.minValue < this.minValue)) {
      this.hasMin = true;
      this.minValue = o.minValue;
      this.minStep = o.minStep;
      this.minTs = o.minTs;
    }
    if (o.hasMax && (!this.hasMax || o.maxValue > this.maxValue)) {
      this.hasMax = true;
      this.maxValue = o.maxValue;
      this.maxStep = o.maxStep;
      this.maxTs = o.maxTs;
    }
  }
}

/** A writer's view of one series' roll-up: blocks done but not stored, and the open block. */
export class SeriesRollup {
  pending: BlockAccumulator[] = [];
  /** The packed points of each pending block (null: not packable, stored as NULL). */
  pendingPoints: (Uint8Array | null)[] = [];
  open = new BlockAccumulator();
  openPoints = new OpenBlockPoints(BLOCK_SIZE);

  /** `rollupN`: points covered by stored blocks (a multiple of BLOCK_SIZE). */
  constructor(public rollupN: number) {}

  add(step: number, ts: number, value: number): void {
    this.openPoints.set(this.open.n, step, ts, value);
    this.open.add(step, ts, value);
    if (this.open.n === BLOCK_SIZE) {
      this.pending.push(this.open);
      this.pendingPoints.push(this.openPoints.take());
      this.open = new BlockAccumulator();
    }
  }

  /** Points covered: stored blocks, pending blocks and the open block. */
  get end(): number {
    return this.rollupN + this.pending.length * BLOCK_SIZE + this.open.n;
  }

  /** A copy to work on inside a transaction that may roll back (done blocks are never mutated). */
  clone(): SeriesRollup {
    const c = new SeriesRollup(this.rollupN);
    c.pending = [...this.pending];
    c.pendingPoints = [...this.pendingPoints];
    c.open = this.open.clone();
    c.openPoints = this.openPoints.clone();
    return c;
  }

  /** Hands out the pending blocks to store (first block number, blocks, their packed points) and advances `rollupN`. */
  take(): { first: number; blocks: BlockAccumulator[]; points: (Uint8Array | null)[] } {
    const out = { first: this.rollupN >> BLOCK_SHIFT, blocks: this.pending, points: this.pendingPoints };
    this.rollupN += this.pending.length * BLOCK_SIZE;
    this.pending = [];
    this.pendingPoints = [];
    return out;
  }
}
