import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { MemoryBudget } from '../util/memory';
import { formatBytes, formatCount } from '../util/memory';
import { DataError } from './dataError';
import { parseCsvBuffer } from './csvReader';
import { lastRowEnd } from './csvScan';
import { sniffDelimiter } from './csvSniff';
import { DEFAULT_MAX_CATEGORIES } from './categoryLimit';

/** Distinct values of a column the reader's string cache can share. */
const SHARED_VALUES = 256;

/** Bytes read from the start of a file to estimate its rows and cells. */
const SAMPLE_BYTES = 1024 * 1024;

/** What loading a CSV file and training on it is expected to take. */
export interface LoadEstimate {
  readonly fileBytes: number;
  readonly rows: number;
  readonly columns: number;
  readonly textColumns: number;
  /** Bytes on the JavaScript heap (strings and arrays of them), limited by `--max-old-space-size`. */
  readonly heapBytes: number;
  /** All bytes, the heap's plus typed arrays (numbers, the feature matrix). */
  readonly totalBytes: number;
}

/**
 * Estimates the memory a run needs for a CSV file from its size and its
 * first megabyte: rows from the bytes per sampled row; per row, a number per
 * cell as read, per text cell a string (shared when the column repeats a few
 * words, so only new values cost their characters) and its slots, then the
 * copies the split, cleaning and fingerprint make and the feature matrix.
 * Calibrated on a 1.15 GB file of three random 10-character columns, whose
 * load grew past 5.7 GB. Undefined for a file within the sample (it is
 * small), or when the sample does not parse (the full read then reports
 * the problem at its line).
 */
export function estimateLoad(path: string): LoadEstimate | undefined {
  const fd = openSync(path, 'r');
  let sample: Buffer;
  let fileBytes: number;
  try {
    fileBytes = fstatSync(fd).size;
    if (fileBytes <= SAMPLE_BYTES) return undefined;
    sample = Buffer.allocUnsafe(SAMPLE_BYTES);
    sample = sample.subarray(0, readSync(fd, sample, 0, SAMPLE_BYTES, 0));
  } finally {
    closeSync(fd);
  }
  const end = lastRowEnd(sample, 0, sample.length, sniffDelimiter(sample, 0, sample.length));
  if (end <= 0) return undefined;
  let frame;
  try {
    frame = parseCsvBuffer(sample.subarray(0, end), 'sample');
  } catch {
    return undefined;
  }
  const rows = Math.ceil((fileBytes / end) * frame.rows);
  let heapPerRow = 0;
  let offHeapPerRow = 12; // line and byte offset of each row
  let width = 0;
  for (const col of frame.columns) {
    offHeapPerRow += 8 * 3; // the number as read, its copy in a split, a fingerprint's sorted copy
    if (col.type !== 'categorical') {
      width++;
      continue;
    }
    const distinct = new Set<string>();
    let chars = 0;
    let cells = 0;
    for (const v of col.values) {
      if (v === null) continue;
      distinct.add(v);
      chars += v.length;
      cells++;
    }
    // The reader hands out one string per value only for a few words repeated (its cache has 1,024 slots).
    const newValueShare = cells === 0 ? 0 : distinct.size <= SHARED_VALUES ? distinct.size / cells : 1;
    const stringBytes = 16 + 8 * Math.ceil((cells === 0 ? 0 : chars / cells) / 8);
    // A new value: its string and its entry in the fingerprint's counts. Every cell: its slot as read
    // (or re-read, for a column of text and numbers), as built, in the split and trimmed.
    heapPerRow += newValueShare * (stringBytes + 48) + 8 * 4;
    // A category becomes one-hot columns; a column with more values is refused by the category check before encoding.
    width += distinct.size <= DEFAULT_MAX_CATEGORIES ? distinct.size : 1;
  }
  offHeapPerRow += width * 8; // the feature matrix (train and test rows together)
  const heapBytes = rows * heapPerRow;
  const textColumns = frame.columns.filter((c) => c.type === 'categorical').length;
  return { fileBytes, rows, columns: frame.columns.length, textColumns, heapBytes, totalBytes: heapBytes + rows * offHeapPerRow };
}

/**
 * Refuses, before reading, a file whose estimated load does not fit in what
 * the process has left: on the JavaScript heap for strings, in all for the
 * rest. One line naming the file, its size, the estimate and what to do.
 */
export function checkLoadFits(file: string, estimate: LoadEstimate, budget: MemoryBudget): void {
  const heapShort = estimate.heapBytes > budget.heapBytes;
  if (!heapShort && estimate.totalBytes <= budget.systemBytes) return;
  const what = `${file} is ${formatBytes(estimate.fileBytes)} (about ${formatCount(estimate.rows)} rows of ${estimate.columns} columns, ` +
    `${estimate.textColumns} of text): loading and training on it needs about ${formatBytes(heapShort ? estimate.heapBytes : estimate.totalBytes)}`;
  const limit = heapShort
    ? `the ${formatBytes(budget.heapBytes)} left under the JavaScript heap limit`
    : `the ${formatBytes(budget.systemBytes)} of memory available`;
  const fix = heapShort
    ? 'train on a sample of the rows, or raise the limit with NODE_OPTIONS=--max-old-space-size=<MB>'
    : 'train on a sample of the rows, or on a machine with more memory';
  throw new DataError(`${what}, more than ${limit}: ${fix}`);
}
