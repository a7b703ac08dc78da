/**
 * Rows of both files, hash-partitioned (by key, or by row content without a
 * key) so each partition pair can be compared on its own. Partitions stay in
 * memory while the whole store is under the memory budget and move to temp
 * files once it is not; either way a partition is read back as chunks of
 * columnar rows (the chunk format is in `partitionChunks.ts`).
 */
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ScannedRows } from './csvSource';
import type { TextDictionary } from './cellHash';
import { INLINE_TEXT, NO_TEXT, decodeChunks, decodeFile, encodeRows } from './partitionChunks';
import type { PartitionRows, RowBuffers } from './partitionChunks';

// Part of the chunk format, imported from here by the comparison and statistics code.
export { INLINE_TEXT, NO_TEXT } from './partitionChunks';
export type { PartitionRows } from './partitionChunks';

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

  /**
   * Copies rows `order[0..count)` of the scanner's batch (`identity`: the
   * order is 0, 1, 2..., copied as whole ranges); texts become dictionary
   * ids, or keep the ids the source interned already.
   */
  append(scanner: ScannedRows, order: Int32Array, count: number, dict: TextDictionary, identity = false): void {
    if (this.rows + count > this.cap) this.grow(Math.max(this.rows + count, Math.ceil(this.cap * 1.5)));
    const at = this.rows;
    if (identity) this.lines.set(scanner.lines.subarray(0, count), at);
    else for (let i = 0; i < count; i++) this.lines[at + i] = scanner.lines[order[i]];
    for (let c = 0; c < this.ncols; c++) {
      const dst = this.values[c];
      const src = scanner.values[c];
      if (identity) dst.set(src.subarray(0, count), at);
      else for (let i = 0; i < count; i++) dst[at + i] = src[order[i]];
      const texts = scanner.texts[c];
      if (texts === undefined) continue;
      const ids = this.ids[c] ?? (this.ids[c] = new Int32Array(this.cap).fill(NO_TEXT));
      const given = scanner.ids?.[c];
      if (given !== undefined) {
        for (let i = 0; i < count; i++) {
          const r = identity ? i : order[i];
          const id = given[r];
          ids[at + i] = id;
          if (id === INLINE_TEXT) (this.inline[c] ??= new Map()).set(at + i, texts[r]);
        }
        continue;
      }
      for (let i = 0; i < count; i++) {
        const t = texts[identity ? i : order[i]];
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

/**
 * Rows of both files per partition, in memory until their total passes
 * `budget` bytes, then in files under `dir` (one per file and partition).
 */
export class PartitionStore {
  private memory: (MemoryPartition | undefined)[][];
  private readonly fds: number[][] = [];
  private held = 0;
  /**
   * Per side, the arrays the last spilled `take` decoded into: the next one
   * reuses them, so a diff of many partitions does not leave one partition
   * pair of garbage (~250 MB at 2 GB) for the collector per step.
   */
  private readonly spare: [RowBuffers | undefined, RowBuffers | undefined] = [undefined, undefined];
  spilled = false;

  constructor(readonly count: number, private readonly dir: string, private readonly budget: number, private readonly ncols: readonly [number, number]) {
    this.memory = [0, 1].map(() => new Array<MemoryPartition | undefined>(count).fill(undefined));
  }

  /**
   * Adds rows `order[0..n)` of the scanner's batch to a partition.
   * `expectedRows` sizes a new in-memory partition (so it rarely grows).
   */
  append(side: 0 | 1, partition: number, scanner: ScannedRows, order: Int32Array, n: number, dict: TextDictionary, expectedRows: number, identity = false): void {
    // This file alone is expected past the budget: spill now rather than fill the budget first and
    // then write it all out (that filling was the peak of a 2 GB diff, ~500 MB more than needed).
    if (!this.spilled && expectedRows * this.count * (4 + 8 * this.ncols[side]) > this.budget) this.spill();
    if (this.spilled) {
      const chunk = new MemoryPartition(this.ncols[side], n);
      chunk.append(scanner, order, n, dict, identity);
      writeSync(this.fds[side][partition], encodeRows(chunk.view()));
      return;
    }
    let mem = this.memory[side][partition];
    // A new partition's first allocation counts too: sized for the whole file, it may never grow.
    const before = mem?.bytes ?? 0;
    if (mem === undefined) {
      // At most its share of the budget; past that it grows (rarely: by then the store is about to spill).
      const share = Math.floor(this.budget / (2 * this.count * (4 + 8 * this.ncols[side])));
      mem = this.memory[side][partition] = new MemoryPartition(this.ncols[side], Math.min(expectedRows, Math.max(n, share)));
    }
    mem.append(scanner, order, n, dict, identity);
    this.held += mem.bytes - before;
    if (this.held > this.budget) this.spill();
  }

  /**
   * The rows of one file in one partition; the partition's memory or file is
   * released. Spilled, the rows are decoded into the arrays of the previous
   * `take` of the same side: rows taken before are overwritten.
   */
  take(side: 0 | 1, partition: number): PartitionRows {
    if (!this.spilled) {
      const mem = this.memory[side][partition];
      this.memory[side][partition] = undefined;
      return mem ? mem.view() : decodeChunks([], this.ncols[side]);
    }
    const path = this.path(side, partition);
    const fd = this.fds[side][partition];
    this.fds[side][partition] = -1;
    try {
      const { part, buffers } = decodeFile(fd, this.ncols[side], this.spare[side]);
      this.spare[side] = buffers;
      return part;
    } finally {
      closeSync(fd);
      rmSync(path, { force: true });
    }
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
        const fd = openSync(this.path(side, p), 'w+'); // read back by `take`
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
