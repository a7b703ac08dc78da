/**
 * Messages between the diff and a CSV scan worker (`scanWorker.ts`), and
 * the batch encoding they carry. Numbers and lines travel as transferred
 * typed arrays (no copy); texts travel as small integer ids into a table
 * the worker grows and sends once per distinct text, so a category column
 * costs 4 bytes per cell instead of a structured-cloned string. Texts past
 * the table's limit (identifiers, free text) travel inline, which keeps the
 * table's memory bounded on any file.
 */
import { CsvError } from '../data/dataError';
import type { CsvLocation } from '../data/dataError';

/** Distinct texts per file sent by id; later ones travel inline. */
export const TEXT_TABLE_LIMIT = 200_000;
/** A cell without text (a number, a boolean word's value, missing). */
export const NO_LOCAL_TEXT = -1;
/** A cell whose text travels in the batch's `inline` list. */
export const INLINE_LOCAL_TEXT = -2;

/** `workerData` of a scan worker. */
export interface ScanWorkerInput {
  readonly path: string;
  /** Names the file in errors. */
  readonly label: string;
  /** Distinct texts sent by id (default `TEXT_TABLE_LIMIT`; tests lower it). */
  readonly textTableLimit?: number;
  /** Bytes of batches the worker may have sent and not seen consumed (default 8 MB). */
  readonly readAheadBytes?: number;
}

/** One batch of rows, as the worker sends it. */
export interface EncodedBatch {
  readonly rows: number;
  readonly bytesDone: number;
  readonly lines: Uint32Array;
  readonly values: Float64Array[];
  /** Per column: table ids (or `NO_LOCAL_TEXT` / `INLINE_LOCAL_TEXT`), null when no cell of the column has text here. */
  readonly ids: (Int32Array | null)[];
  /** Per column: the inline texts in row order, null when none. */
  readonly inline: (string[] | null)[];
  /** Texts added to the table by this batch, in id order. */
  readonly newTexts: string[];
  /** The scanner's per-column counts, cumulative up to this batch. */
  readonly missing: Int32Array;
  readonly bools: Int32Array;
  readonly others: Int32Array;
}

/** A CSV error (or any other failure) as it crosses the thread boundary. */
export interface SerializedError {
  readonly message: string;
  /** Set when the error was a `CsvError`. */
  readonly location?: CsvLocation & { readonly reason: string };
}

export type ScanWorkerMessage =
  | { readonly type: 'header'; readonly header: string[]; readonly delimiter: number; readonly size: number }
  | { readonly type: 'batch'; readonly batch: EncodedBatch }
  | { readonly type: 'end' }
  | { readonly type: 'error'; readonly error: SerializedError };

/**
 * Main thread -> worker: `more`, the oldest batch sent was consumed
 * (`recycled` are its buffers, to reuse); `close`, stop: the worker closes
 * the file and lets its thread end by itself. (Not `worker.terminate()`:
 * terminating a worker while another one starts can crash Node,
 * nodejs/node#56312, and a diff that is retried does exactly that.)
 */
export type ScanWorkerRequest =
  | { readonly type: 'more'; readonly recycled: ArrayBuffer[] }
  | { readonly type: 'close' };

export function serializeError(e: unknown): SerializedError {
  if (e instanceof CsvError) {
    return { message: e.message, location: { file: e.file, line: e.line, column: e.column, columnName: e.columnName, reason: e.reason } };
  }
  return { message: e instanceof Error ? e.message : String(e) };
}

/** The error again on this side: a `CsvError` stays one (same location and message). */
export function deserializeError(e: SerializedError): Error {
  if (e.location) {
    const { reason, ...where } = e.location;
    return new CsvError(where, reason);
  }
  return new Error(e.message);
}

/** The transferable buffers of a batch (all distinct). */
export function batchBuffers(batch: EncodedBatch): ArrayBuffer[] {
  const out: ArrayBuffer[] = [batch.lines.buffer as ArrayBuffer];
  for (const v of batch.values) out.push(v.buffer as ArrayBuffer);
  for (const ids of batch.ids) if (ids) out.push(ids.buffer as ArrayBuffer);
  return out;
}
