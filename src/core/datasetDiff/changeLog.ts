/**
 * The full list of row changes, spilled to a file of JSON lines as the
 * partitions are compared. Memory holds an index of 25 bytes per changed row
 * (sort position, file offset and length, kind) plus 4 bytes per changed
 * cell (for column filters), never the changes themselves.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import type { RowChange, RowChangeFilter, RowChangeKind } from './diffFiles';

const KINDS: readonly RowChangeKind[] = ['removed', 'modified', 'added'];
const FLUSH_BYTES = 1 << 20;

class Growable<T extends Float64Array | Uint32Array | Uint8Array | Int32Array> {
  length = 0;
  constructor(public data: T, private readonly make: (n: number) => T) {}
  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = this.make(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }
}

export class ChangeLog {
  private fd: number;
  private pending: string[] = [];
  private pendingBytes = 0;
  private written = 0;
  private readonly sortKey = new Growable(new Float64Array(1024), (n) => new Float64Array(n));
  private readonly offset = new Growable(new Float64Array(1024), (n) => new Float64Array(n));
  private readonly size = new Growable(new Uint32Array(1024), (n) => new Uint32Array(n));
  private readonly kind = new Growable(new Uint8Array(1024), (n) => new Uint8Array(n));
  /** Changed-column indices of record i: `cols[colStart[i] .. colStart[i + 1])`. */
  private readonly colStart = new Growable(new Uint32Array(1024), (n) => new Uint32Array(n));
  private readonly cols = new Growable(new Int32Array(1024), (n) => new Int32Array(n));
  /** Record numbers in display order, once finished. */
  private order: Uint32Array | undefined;
  private readonly filtered = new Map<string, Uint32Array>();

  constructor(private readonly path: string, private readonly columns: readonly string[]) {
    this.fd = openSync(path, 'w');
  }

  get count(): number {
    return this.kind.length;
  }

  /**
   * Adds a change. Display order: removed and modified rows by their line in
   * A, added rows by their line in B (`line`), ties by kind.
   */
  append(change: RowChange, line: number, changedColumns: readonly number[]): void {
    const text = JSON.stringify(change) + '\n';
    const bytes = Buffer.byteLength(text);
    const k = KINDS.indexOf(change.kind);
    this.sortKey.push(line * 4 + k);
    this.offset.push(this.written + this.pendingBytes);
    this.size.push(bytes);
    this.kind.push(k);
    this.colStart.push(this.cols.length);
    for (const c of changedColumns) this.cols.push(c);
    this.pending.push(text);
    this.pendingBytes += bytes;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
  }

  /** Ends writing and sorts the index; the log is read-only afterwards. */
  finish(): void {
    this.flush();
    closeSync(this.fd);
    this.fd = openSync(this.path, 'r');
    this.colStart.push(this.cols.length);
    const keys = this.sortKey.data;
    const order = new Uint32Array(this.count);
    for (let i = 0; i < order.length; i++) order[i] = i;
    order.sort((x, y) => keys[x] - keys[y]);
    this.order = order;
  }

  /** Record numbers matching `filter`, in display order (cached per filter). */
  select(filter: RowChangeFilter | undefined): Uint32Array {
    const order = this.order as Uint32Array;
    if (!filter || (filter.kind === undefined && filter.column === undefined)) return order;
    const cacheKey = `${filter.kind ?? ''}\u0000${filter.column ?? ''}`;
    const hit = this.filtered.get(cacheKey);
    if (hit) return hit;
    const wantKind = filter.kind === undefined ? -1 : KINDS.indexOf(filter.kind);
    const col = filter.column === undefined ? -1 : this.columns.indexOf(filter.column);
    const kinds = this.kind.data;
    const starts = this.colStart.data;
    const cols = this.cols.data;
    const out: number[] = [];
    for (const i of order) {
      if (wantKind >= 0 && kinds[i] !== wantKind) continue;
      if (filter.column !== undefined && kinds[i] === 1) {
        let hitCol = false;
        for (let j = starts[i]; j < starts[i + 1] && !hitCol; j++) hitCol = cols[j] === col;
        if (!hitCol) continue;
      }
      out.push(i);
    }
    const sel = Uint32Array.from(out);
    this.filtered.set(cacheKey, sel);
    return sel;
  }

  /** Kind of record i (0 removed, 1 modified, 2 added). */
  kindOf(i: number): RowChangeKind {
    return KINDS[this.kind.data[i]];
  }

  read(i: number): RowChange {
    const buf = Buffer.allocUnsafe(this.size.data[i]);
    readSync(this.fd, buf, 0, buf.length, this.offset.data[i]);
    return JSON.parse(buf.toString('utf8')) as RowChange;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const buf = Buffer.from(this.pending.join(''), 'utf8');
    writeSync(this.fd, buf);
    this.written += buf.length;
    this.pending = [];
    this.pendingBytes = 0;
  }
}
