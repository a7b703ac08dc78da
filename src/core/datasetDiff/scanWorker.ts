/**
 * Worker thread entry: scans one CSV file with `CsvBatchReader` and posts
 * its batches (`scanWorkerProtocol.ts`). It runs ahead of the diff by at
 * most `readAheadBytes` of batches not yet consumed (the main thread says
 * when it is done with one), so memory stays bounded however large the file
 * is. Built as `dist/scanWorker.js`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CsvBatchReader } from './csvBatches';
import type { CsvBatch } from './csvBatches';
import { INLINE_LOCAL_TEXT, NO_LOCAL_TEXT, TEXT_TABLE_LIMIT, batchBuffers, serializeError } from './scanWorkerProtocol';
import type { EncodedBatch, ScanWorkerInput, ScanWorkerMessage, ScanWorkerRequest } from './scanWorkerProtocol';

/** Bytes of sent, unconsumed batches by default (`ScanWorkerInput.readAheadBytes`). */
export const DEFAULT_READ_AHEAD_BYTES = 8 * 1024 * 1024;

/** Buffers kept for reuse: a few batches' worth. */
const MAX_POOLED = 512;

/** Reusable buffers (from consumed batches), handed out by exact size (all are 4 or 8 bytes per row the scanner's arrays hold). */
class BufferPool {
  private readonly free: ArrayBuffer[] = [];

  put(buffers: readonly ArrayBuffer[]): void {
    this.free.push(...buffers);
    // Sizes change only when the scanner grows its batch; stale ones are dropped.
    if (this.free.length > MAX_POOLED) this.free.splice(0, this.free.length - MAX_POOLED);
  }

  take(bytes: number): ArrayBuffer {
    for (let i = this.free.length - 1; i >= 0; i--) {
      if (this.free[i].byteLength === bytes) return this.free.splice(i, 1)[0];
    }
    return new ArrayBuffer(bytes);
  }
}

/**
 * Encodes the reader's batches: numbers and lines are copied into pooled
 * buffers (the scanner keeps writing into its own arrays, which stay in the
 * CPU cache: handing those over and scanning into recycled ones made the
 * scan a third slower), texts become table ids.
 */
class BatchEncoder {
  private readonly table = new Map<string, number>();

  constructor(private readonly pool: BufferPool, private readonly tableLimit: number) {}

  encode({ scanner, bytesDone }: CsvBatch): EncodedBatch {
    const n = scanner.rows;
    const capacity = scanner.lines.length;
    const lines = new Uint32Array(this.pool.take(4 * capacity), 0, n);
    lines.set(scanner.lines.subarray(0, n));
    const values = scanner.values.map((v) => {
      const out = new Float64Array(this.pool.take(8 * capacity), 0, n);
      out.set(v.subarray(0, n));
      return out;
    });
    const newTexts: string[] = [];
    const inline: (string[] | null)[] = [];
    const ids = scanner.texts.map((texts) => {
      if (texts === undefined) {
        inline.push(null);
        return null;
      }
      const out = new Int32Array(this.pool.take(4 * capacity), 0, n);
      let extra: string[] | null = null;
      for (let r = 0; r < n; r++) {
        const t = texts[r];
        if (t === undefined) {
          out[r] = NO_LOCAL_TEXT;
          continue;
        }
        let id = this.table.get(t);
        if (id === undefined && this.table.size < this.tableLimit) {
          id = this.table.size;
          this.table.set(t, id);
          newTexts.push(t);
        }
        if (id === undefined) {
          out[r] = INLINE_LOCAL_TEXT;
          (extra ??= []).push(t);
        } else {
          out[r] = id;
        }
      }
      inline.push(extra);
      return out;
    });
    const { missing, bools, others } = scanner;
    return { rows: n, bytesDone, lines, values, ids, inline, newTexts, missing: missing.slice(), bools: bools.slice(), others: others.slice() };
  }
}

function run(port: NonNullable<typeof parentPort>, input: ScanWorkerInput): void {
  const post = (m: ScanWorkerMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
  let reader: CsvBatchReader;
  try {
    reader = new CsvBatchReader(input.path, input.label);
  } catch (e) {
    post({ type: 'error', error: serializeError(e) });
    return;
  }
  post({ type: 'header', header: reader.header, delimiter: reader.delimiter, size: reader.size });
  const pool = new BufferPool();
  const encoder = new BatchEncoder(pool, input.textTableLimit ?? TEXT_TABLE_LIMIT);
  const batches = reader.batches();
  const limit = input.readAheadBytes ?? DEFAULT_READ_AHEAD_BYTES;
  // Sizes of the batches sent and not consumed yet, oldest first (the main thread consumes in order).
  const unconsumed: number[] = [];
  let ahead = 0;
  let finished = false;
  const pump = (): void => {
    try {
      while ((ahead < limit || unconsumed.length === 0) && !finished) {
        const next = batches.next();
        if (next.done === true) {
          finished = true;
          reader.close();
          post({ type: 'end' });
          return;
        }
        const batch = encoder.encode(next.value);
        const buffers = batchBuffers(batch);
        const bytes = buffers.reduce((sum, b) => sum + b.byteLength, 0);
        unconsumed.push(bytes);
        ahead += bytes;
        post({ type: 'batch', batch }, buffers);
      }
    } catch (e) {
      finished = true;
      reader.close();
      post({ type: 'error', error: serializeError(e) });
    }
  };
  const onMessage = (m: ScanWorkerRequest): void => {
    if (m.type === 'close') {
      finished = true;
      reader.close();
      // Nothing left to wait for: the thread ends once this handler returns.
      port.off('message', onMessage);
      return;
    }
    pool.put(m.recycled);
    const wasFull = ahead >= limit;
    ahead -= unconsumed.shift() ?? 0;
    if (wasFull) pump();
  };
  port.on('message', onMessage);
  pump();
}

if (parentPort) run(parentPort, workerData as ScanWorkerInput);
