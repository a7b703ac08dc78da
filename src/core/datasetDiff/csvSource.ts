/**
 * Where the diff gets its rows: a CSV file scanned batch by batch, either
 * on a worker thread (`WorkerCsvSource`, files from `WORKER_MIN_BYTES`) or
 * on the calling thread (`CsvBatchReader`). Scanning is most of a diff's
 * work; on a worker it runs beside the comparison (both files at once on a
 * machine with two cores or more) and never blocks the extension host's
 * event loop. Both kinds yield the same batches, so results are identical.
 */
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../util/workerEntry';
import { CsvBatchReader } from './csvBatches';
import { CsvError } from '../data/dataError';
import { INLINE_LOCAL_TEXT, batchBuffers, deserializeError } from './scanWorkerProtocol';
import type { EncodedBatch, ScanWorkerInput, ScanWorkerMessage, ScanWorkerRequest } from './scanWorkerProtocol';

/** Rows of one batch, columnar; valid until the next batch is asked for. */
export interface ScannedRows {
  readonly rows: number;
  /** 1-based line where each row starts (may be longer than `rows`). */
  readonly lines: Uint32Array;
  /** Per column: numbers (booleans 1/0), NaN for missing and text cells (may be longer than `rows`). */
  readonly values: readonly Float64Array[];
  /**
   * Per column: the text of each text cell by row, undefined when the
   * column has none in this batch. With `ids`, only the texts of
   * `INLINE_TEXT` cells are here (the others are `dict.texts[id]`).
   */
  readonly texts: readonly (string[] | undefined)[];
  /**
   * Per column, when the source interned the texts already: dictionary ids
   * (>= 0), `NO_TEXT` (-1) or `INLINE_TEXT` (-2: not interned, see `texts`).
   * Defined exactly where `texts` is.
   */
  readonly ids?: readonly (Int32Array | undefined)[];
}

export interface SourceBatch {
  readonly scanner: ScannedRows;
  /** Bytes of the file consumed so far. */
  readonly bytesDone: number;
}

/** An open CSV file: header read, data rows readable once. */
export interface CsvSource {
  readonly header: string[];
  readonly delimiter: number;
  readonly size: number;
  /** Scanned on a worker thread. */
  readonly onWorker: boolean;
  /** Per-column type counts over the batches consumed so far. */
  readonly counts: { readonly missing: Int32Array; readonly bools: Int32Array; readonly others: Int32Array };
  batches(): AsyncIterator<SourceBatch>;
  close(): void;
}

/** Files at least this large are scanned on a worker thread under `'auto'` (below it, starting one costs more than it saves). */
export const WORKER_MIN_BYTES = 4 * 1024 * 1024;

export interface OpenCsvOptions {
  /** `'auto'` (default): a worker for files from `WORKER_MIN_BYTES`; `'always'` / `'never'` force it (tests). */
  readonly workers?: 'auto' | 'always' | 'never';
  /** Interns a text as a dictionary id (-1 when the dictionary is full); lets a worker source hand over ids. */
  readonly intern?: (text: string) => number;
  /** Worker sources: distinct texts sent by id before the rest travel inline (tests lower it). */
  readonly textTableLimit?: number;
  /** Worker sources: bytes of scanned batches held ahead of the consumer (default 8 MB). */
  readonly readAheadBytes?: number;
}

/** Opens `path` (named `label` in errors). Throws `CsvError` for unreadable or malformed headers. */
export async function openCsvSource(path: string, label: string, options: OpenCsvOptions = {}): Promise<CsvSource> {
  const mode = options.workers ?? 'auto';
  if (mode !== 'never' && (mode === 'always' || sizeOf(path) >= WORKER_MIN_BYTES)) {
    const entry = workerEntry(__dirname, 'scanWorker');
    if (entry) {
      const source = await WorkerCsvSource.open(entry, { path, label, textTableLimit: options.textTableLimit, readAheadBytes: options.readAheadBytes }, options.intern);
      if (source) return source;
    }
  }
  return new InThreadSource(new CsvBatchReader(path, label));
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0; // the reader reports the missing file with its label
  }
}


class InThreadSource implements CsvSource {
  readonly onWorker = false;
  constructor(private readonly reader: CsvBatchReader) {}
  get header(): string[] {
    return this.reader.header;
  }
  get delimiter(): number {
    return this.reader.delimiter;
  }
  get size(): number {
    return this.reader.size;
  }
  get counts(): CsvSource['counts'] {
    return this.reader.counts;
  }
  async *batches(): AsyncGenerator<SourceBatch> {
    yield* this.reader.batches();
  }
  close(): void {
    this.reader.close();
  }
}

/** Turns the worker's batches back into `ScannedRows`: its text table, and ids mapped to the caller's dictionary. */
class BatchDecoder {
  private readonly table: string[] = [];
  /** Table id -> dictionary id (-1: the dictionary is full). */
  private interned = new Int32Array(1024);

  constructor(private readonly intern?: (text: string) => number) {}

  decode(b: EncodedBatch): ScannedRows {
    for (const t of b.newTexts) {
      const id = this.table.length;
      this.table.push(t);
      if (id >= this.interned.length) {
        const bigger = new Int32Array(this.interned.length * 2);
        bigger.set(this.interned);
        this.interned = bigger;
      }
      this.interned[id] = this.intern ? this.intern(t) : -1;
    }
    const n = b.rows;
    const { table, interned } = this;
    if (this.intern === undefined) {
      const texts = b.ids.map((local, c) => {
        if (local === null) return undefined;
        const out = new Array<string>(n);
        const extra = b.inline[c];
        let k = 0;
        for (let r = 0; r < n; r++) {
          const id = local[r];
          if (id >= 0) out[r] = table[id];
          else if (id === INLINE_LOCAL_TEXT) out[r] = (extra as string[])[k++];
        }
        return out;
      });
      return { rows: n, lines: b.lines, values: b.values, texts };
    }
    // Table ids become dictionary ids in place (the batch's buffer is ours until it is recycled);
    // only the texts that are not in the dictionary are handed over as strings.
    const texts: (string[] | undefined)[] = [];
    const ids = b.ids.map((local, c) => {
      if (local === null) {
        texts.push(undefined);
        return undefined;
      }
      const out: string[] = [];
      const extra = b.inline[c];
      let k = 0;
      for (let r = 0; r < n; r++) {
        const id = local[r];
        if (id >= 0) {
          const d = interned[id];
          local[r] = d >= 0 ? d : INLINE_LOCAL_TEXT;
          if (d < 0) out[r] = table[id];
        } else if (id === INLINE_LOCAL_TEXT) {
          out[r] = (extra as string[])[k++];
        }
      }
      texts.push(out);
      return local;
    });
    return { rows: n, lines: b.lines, values: b.values, texts, ids };
  }
}

/** A scan on a worker thread; see `scanWorker.ts` for the other side. */
class WorkerCsvSource implements CsvSource {
  readonly onWorker = true;
  counts: CsvSource['counts'];
  private readonly queue: ScanWorkerMessage[] = [];
  private wake: (() => void) | undefined;
  private failure: Error | undefined;
  private closed = false;

  private constructor(
    private readonly worker: Worker,
    readonly header: string[],
    readonly delimiter: number,
    readonly size: number,
    private readonly decoder: BatchDecoder,
  ) {
    const zeros = new Int32Array(header.length);
    this.counts = { missing: zeros, bools: zeros, others: zeros };
    worker.on('message', (m: ScanWorkerMessage) => this.push(m));
    worker.on('error', (e) => this.fail(e));
    worker.on('exit', (code) => {
      if (!this.closed) this.fail(new Error(`the CSV scan worker exited (code ${code}) before the end of the file`));
    });
  }

  /**
   * Starts the worker and waits for the header. A CSV problem rejects with
   * its `CsvError`; a worker that cannot start resolves undefined (the
   * caller scans on its own thread instead).
   */
  static open(entry: { readonly script: string; readonly eval: boolean }, input: ScanWorkerInput, intern?: (text: string) => number): Promise<WorkerCsvSource | undefined> {
    return new Promise((resolve, reject) => {
      let worker: Worker;
      try {
        worker = new Worker(entry.script, { eval: entry.eval, workerData: input });
      } catch {
        resolve(undefined);
        return;
      }
      // The worker failed to start (or died): it has ended, nothing to stop.
      const onError = (): void => {
        cleanup();
        resolve(undefined);
      };
      const onMessage = (m: ScanWorkerMessage): void => {
        cleanup();
        if (m.type === 'header') {
          resolve(new WorkerCsvSource(worker, m.header, m.delimiter, m.size, new BatchDecoder(intern)));
          return;
        }
        // A worker that could not read the header ends by itself; anything else is told to.
        if (m.type !== 'error') worker.postMessage({ type: 'close' } satisfies ScanWorkerRequest);
        if (m.type === 'error') reject(deserializeError(m.error));
        else reject(new CsvError({ file: input.label }, 'the CSV scan worker sent no header'));
      };
      const cleanup = (): void => {
        worker.off('error', onError);
        worker.off('exit', onError);
        worker.off('message', onMessage);
      };
      worker.on('error', onError);
      worker.on('exit', onError);
      worker.on('message', onMessage);
    });
  }

  async *batches(): AsyncGenerator<SourceBatch> {
    for (;;) {
      const m = await this.next();
      if (m.type === 'end') return;
      if (m.type === 'error') throw deserializeError(m.error);
      if (m.type !== 'batch') continue;
      const { batch } = m;
      this.counts = { missing: batch.missing, bools: batch.bools, others: batch.others };
      yield { scanner: this.decoder.decode(batch), bytesDone: batch.bytesDone };
      // The consumer is done with this batch: its buffers go back for reuse, with a credit for one more.
      if (!this.closed) {
        const recycled = batchBuffers(batch);
        this.worker.postMessage({ type: 'more', recycled } satisfies ScanWorkerRequest, recycled);
      }
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.fail(new Error('the CSV source was closed'));
    // The worker stops after the batch it is scanning, closes the file and ends on its own (see ScanWorkerRequest).
    this.worker.postMessage({ type: 'close' } satisfies ScanWorkerRequest);
    this.worker.unref();
  }

  private push(m: ScanWorkerMessage): void {
    this.queue.push(m);
    this.wake?.();
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.wake?.();
  }

  private async next(): Promise<ScanWorkerMessage> {
    for (;;) {
      const m = this.queue.shift();
      if (m !== undefined) return m;
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
    }
  }
}
