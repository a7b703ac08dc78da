/**
 * Streaming diff of two CSV files with bounded memory. Keyed, when A takes
 * at most a third of the memory budget, A is held with its key index and B
 * is compared batch by batch as it is read, never held (`directCompare.ts`).
 * Otherwise both files are read once with the project's row scanner; rows
 * are hash-partitioned (by key, or
 * by content without a key) into chunks kept in memory or, past the memory
 * budget, in temp files; then each partition pair is compared on its own,
 * statistics and drift are gathered on the way (see `streamStats.ts` for the
 * approximations on large files), and every row change is written to a
 * spill file that `FileDiff.page` / `changes` read back.
 * Same results as the in-memory `diffCsv` (tested on small files).
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CsvError, DataError } from '../data/dataError';
import type { ColumnType } from '../data/frame';
import { TextDictionary } from './cellHash';
import { ChangeLog } from './changeLog';
import { openCsvSource } from './csvSource';
import { makeDiffTempDir } from './diffTempDir';
import type { CsvSource, SourceBatch } from './csvSource';
import { BTypesChanged, streamB } from './directCompare';
import { buildFileDiff } from './fileDiffResult';
import type { NamedColumn } from './fileDiffResult';
import { PartitionCells } from './partitionCells';
import type { CellColumn } from './partitionCells';
import { RowTotals, compareKeyed, compareMultiset, indexKeys } from './partitionCompare';
import type { CompareColumns, ComparedPair } from './partitionCompare';
import { PartitionStore } from './partitions';
import { scanPass } from './scanPass';
import type { ScanPassResult } from './scanPass';
import { CATEGORY_LIMIT, ColumnAccumulator, RowSampler, SAMPLE_LIMIT, TOTAL_CATEGORIES, TOTAL_SAMPLE_VALUES } from './streamStats';
import { Rng } from '../util/rng';
import { DEFAULT_EXAMPLE_LIMIT } from './datasetDiff';
import { duplicateKeyMessage } from './duplicateKeys';
import type { DatasetDiff, DiffCell, DiffOptions } from './types';

export interface DiffProgress { readonly phase: 'reading' | 'partitioning' | 'comparing' | 'statistics'; readonly done: number; readonly total: number }
export interface DiffFilesOptions extends DiffOptions {
  readonly onProgress?: (p: DiffProgress) => void;
  readonly signal?: AbortSignal;
  /** Where spill files go; default os.tmpdir(). */
  readonly tempDir?: string;
  /** Names shown for A and B (default: the paths). */
  readonly labels?: { readonly a: string; readonly b: string };
  /** Bytes of partitioned rows held in memory before they go to temp files (default `DEFAULT_MEMORY_BUDGET`). */
  readonly memoryBudget?: number;
  /** Scan the files on worker threads: `'auto'` (default) for files of 4 MB and more (see `csvSource.ts`). */
  readonly workers?: 'auto' | 'always' | 'never';
}
export type RowChangeKind = 'added' | 'removed' | 'modified';
export interface RowChangeFilter { readonly kind?: RowChangeKind; readonly column?: string }
export interface RowChange {
  readonly kind: RowChangeKind;
  /** Keyed diff: the key values. */
  readonly key?: DiffCell[];
  /** 1-based line where the row starts in A (removed/modified) and in B (added/modified). */
  readonly lineA?: number;
  readonly lineB?: number;
  /** The row's values by column (B's row for added/modified, A's for removed). */
  readonly values: Record<string, DiffCell>;
  /** Modified only: the changed cells. */
  readonly changes?: { readonly column: string; readonly before: DiffCell; readonly after: DiffCell }[];
}
export interface RowChangePage { readonly total: number; readonly offset: number; readonly rows: RowChange[] }
/** A finished diff whose full row-change list lives in a spill file; dispose removes it. */
export interface FileDiff {
  readonly diff: DatasetDiff;
  /** Columns in display order (B's order, then columns only in A). */
  readonly columns: string[];
  page(offset: number, limit: number, filter?: RowChangeFilter): Promise<RowChangePage>;
  /** Whether both files were scanned on worker threads (see `csvSource.ts`), for logs and benchmarks. */
  readonly scannedOnWorkers: boolean;
  /** Every row change in order (for exports); streams from the spill file. */
  changes(filter?: RowChangeFilter): AsyncIterable<RowChange>;
  dispose(): void;
}

/** Errors meant for the user (bad key, duplicate keys, unreadable file...): message names file, line, column/value. */
export class DatasetDiffError extends DataError {
  readonly file?: string;
  readonly line?: number;
  readonly column?: string | number;

  constructor(message: string, where: { readonly file?: string; readonly line?: number; readonly column?: string | number } = {}) {
    super(message);
    this.name = 'DatasetDiffError';
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
  }
}

/**
 * Default memory budget for partitioned rows. The comparison holds about
 * three times one partition pair, and there are enough partitions for a
 * pair to be a sixth of the budget. Two 1,000,000 x 20 files (160 MB of CSV
 * each) are diffed with B streamed against A and peak around 400 MB.
 */
export const DEFAULT_MEMORY_BUDGET = 512 * 1024 * 1024;
/** Distinct texts interned for both files together; later ones travel inline. */
const DICTIONARY_ENTRIES = 500_000;

/** Compares two CSV files; see the module comment. User errors are `DatasetDiffError`; an abort rejects with the signal's reason. */
export async function diffCsvFiles(a: string, b: string, options: DiffFilesOptions = {}): Promise<FileDiff> {
  try {
    return await diffOnce(a, b, options, true);
  } catch (e) {
    // B's column types changed after its first rows: the streamed comparison is void, partition instead.
    if (e instanceof BTypesChanged) return diffOnce(a, b, options, false);
    throw e;
  }
}

/**
 * One diff. Keyed, with A small enough to hold (a third of the budget),
 * B is streamed against A (`directCompare.ts`) unless `allowStream` is off;
 * otherwise both files are hash-partitioned.
 */
async function diffOnce(a: string, b: string, options: DiffFilesOptions, allowStream: boolean): Promise<FileDiff> {
  const labels = options.labels ?? { a, b };
  options.signal?.throwIfAborted();
  const dir = makeDiffTempDir(options.tempDir ?? tmpdir());
  const readers: CsvSource[] = [];
  let store: PartitionStore | undefined;
  let log: ChangeLog | undefined;
  const dict = new TextDictionary(DICTIONARY_ENTRIES);
  try {
    // Both files start scanning now (on worker threads when large); A is consumed first. B reads
    // only a few batches ahead meanwhile: reading further did not make the diff faster on two
    // cores (the comparison of A keeps the other core busy) and cost memory and CPU.
    const open = { workers: options.workers, intern: (t: string): number => dict.id(t) };
    const budget = options.memoryBudget ?? DEFAULT_MEMORY_BUDGET;
    const opening = [openCsvSource(a, labels.a, open), openCsvSource(b, labels.b, open)];
    const opened = await Promise.allSettled(opening);
    for (const o of opened) if (o.status === 'fulfilled') readers.push(o.value);
    for (const o of opened) if (o.status === 'rejected') throw o.reason;
    const [readerA, readerB] = readers;
    const key = options.key && options.key.length > 0 ? [...options.key] : undefined;
    for (const [reader, label] of [[readerA, labels.a], [readerB, labels.b]] as const) {
      for (const k of key ?? []) {
        if (!reader.header.includes(k)) {
          throw new DatasetDiffError(`${label}: key column "${k}" not found (columns: ${reader.header.join(', ')})`, { file: label, column: k });
        }
      }
    }
    const namesA = readerA.header;
    const namesB = readerB.header;
    const common = namesA.filter((n) => namesB.includes(n));
    const onlyA = namesA.map((_, i) => i).filter((i) => !namesB.includes(namesA[i]));
    const onlyB = namesB.map((_, i) => i).filter((i) => !namesA.includes(namesB[i]));
    const hashNames = key ?? [...common].sort(byString);
    const direct = allowStream && key !== undefined && 3 * readerA.size <= budget;
    // Twice the partitions the budget needs: a partition pair is compared in one synchronous step
    // (about 0.9 s at 2 GB a file), which is also how long a cancel may wait.
    const parts = direct ? 1 : Math.min(4096, Math.max(1, Math.ceil((6 * (readerA.size + readerB.size)) / budget)));
    store = new PartitionStore(parts, dir, budget, [readerA.header.length, readerB.header.length]);
    const totalBytes = readerA.size + readerB.size;
    const progress = options.onProgress;
    const scan = async (reader: CsvSource, side: 0 | 1, names: string[], only: number[], before: number): Promise<ScanPassResult> =>
      scanPass(reader, side, hashNames.map((n) => names.indexOf(n)), key ? [] : only, {
        store: store as PartitionStore, dict, signal: options.signal,
        onBytes: (bytes) => progress?.({ phase: parts > 1 ? 'partitioning' : 'reading', done: before + bytes, total: totalBytes }),
      });
    const scanA = await scan(readerA, 0, namesA, onlyA, 0);
    const batchesB = direct ? readerB.batches() : undefined;
    const firstB = await batchesB?.next();
    const scanB = firstB ? firstBatchSums(firstB, namesB.length) : await scan(readerB, 1, namesB, onlyB, readerA.size);
    const colsA = columnsOf(readerA, scanA.rows);
    const colsB = columnsOf(readerB, scanB.rows);
    const commonPairs: ComparedPair[] = common.map((n) => ({ a: colsA[namesA.indexOf(n)], b: colsB[namesB.indexOf(n)], name: n }));
    const allMissing = (c: number): boolean => readerA.counts.missing[c] === scanA.rows;
    const candidates: ComparedPair[] = [];
    for (const i of onlyA) for (const j of onlyB) candidates.push({ a: colsA[i], b: colsB[j], name: namesB[j] });
    // Without a key, renames are found now (row i with row i, by column digests) because they join the row token.
    const unkeyedRenames = key ? [] : pickRenames(candidates, (p) => scanA.rows === scanB.rows && scanA.rows > 0 && !allMissing(p.a.index)
      && digestOf(scanA, p.a) === digestOf(scanB, p.b));
    const pairs = key
      ? commonPairs.filter((p) => !key.includes(p.name))
      : [...commonPairs, ...unkeyedRenames].sort((x, y) => byString(x.name, y.name));
    const cols: CompareColumns = {
      a: colsA, b: colsB, pairs, renameCandidates: key ? candidates : [],
      keyA: key?.map((k) => colsA[namesA.indexOf(k)]), keyB: key?.map((k) => colsB[namesB.indexOf(k)]),
      numericKey: key !== undefined && key.length === 1 && colsA[namesA.indexOf(key[0])].kind !== 'categorical' && colsB[namesB.indexOf(key[0])].kind !== 'categorical',
    };
    const { acc: accA, sampler: samplerA } = accumulators(colsA, scanA, 0x5eed);
    const { acc: accB, sampler: samplerB } = accumulators(colsB, scanB, 0x5eed + 1);
    log = new ChangeLog(join(dir, 'changes.jsonl'), namesB);
    const totals = new RowTotals(cols);
    const bOnlyA = onlyA.map((i) => colsA[i]);
    if (firstB && batchesB) {
      const pa = new PartitionCells(store.take(0, 0), dict.texts);
      const pickedA = samplerA.select(pa.part.rows);
      colsA.forEach((c) => accA[c.index].add(pa.part, c.index, pickedA));
      const lookupA = indexKeys(pa, cols.keyA as CellColumn[], cols.numericKey, 0, totals);
      if (totals.duplicateCount[0] === 0) {
        const streamed = await streamB(readerB, firstB, batchesB, {
          a: pa, lookupA, cols, totals, dict, acc: accB, sampler: samplerB, signal: options.signal,
          columnTypes: (rows) => columnsOf(readerB, rows),
          onBytes: (bytes) => progress?.({ phase: 'reading', done: readerA.size + bytes, total: totalBytes }),
        });
        totals.rowsB += streamed.rows - streamed.held.part.rows;
        progress?.({ phase: 'comparing', done: 0, total: 1 });
        compareKeyed(pa, streamed.held, cols, bOnlyA, totals, log, { lookupA, matchedA: streamed.matchedA });
      }
      progress?.({ phase: 'comparing', done: 1, total: 1 });
    } else {
      progress?.({ phase: 'comparing', done: 0, total: parts });
    }
    for (let p = 0; p < (direct ? 0 : parts); p++) {
      options.signal?.throwIfAborted();
      const pa = new PartitionCells(store.take(0, p), dict.texts);
      const pb = new PartitionCells(store.take(1, p), dict.texts);
      const pickedA = samplerA.select(pa.part.rows);
      const pickedB = samplerB.select(pb.part.rows);
      colsA.forEach((c) => accA[c.index].add(pa.part, c.index, pickedA));
      colsB.forEach((c) => accB[c.index].add(pb.part, c.index, pickedB));
      if (key) compareKeyed(pa, pb, cols, bOnlyA, totals, log);
      else compareMultiset(pa, pb, cols, totals, log);
      progress?.({ phase: 'comparing', done: p + 1, total: parts });
      await new Promise((resolve) => setImmediate(resolve));
    }
    store.close();
    for (const side of [0, 1] as const) {
      if (totals.duplicateCount[side] > 0) {
        const label = side === 0 ? labels.a : labels.b;
        const { message, line } = duplicateKeyMessage(label, key as string[], totals.duplicates[side], totals.duplicateCount[side]);
        throw new DatasetDiffError(message, { file: label, line, column: (key as string[]).join(',') });
      }
    }
    log.finish();
    const renames = key ? pickRenames(candidates, (p, k) => totals.aligned > 0 && !allMissing(p.a.index) && totals.renameOk[k]) : unkeyedRenames;
    const compared = key ? [...pairs, ...renames].map((p) => p.name) : pairs.map((p) => p.name);
    const changedByColumn = compared.map((_, i) => totals.byPair[i] ?? 0);
    const onStatistics = (done: number, total: number): void => progress?.({ phase: 'statistics', done, total });
    const scannedOnWorkers = readerA.onWorker && readerB.onWorker;
    return { scannedOnWorkers, ...buildFileDiff({
      labels, key, colsA, colsB, common: commonPairs, onlyA: onlyA.map((i) => colsA[i]), onlyB: onlyB.map((j) => colsB[j]),
      renames, compared, changedByColumn, totals, accA, accB, texts: dict.texts,
      limit: options.exampleLimit ?? DEFAULT_EXAMPLE_LIMIT, onStatistics,
    }, log, dir) };
  } catch (e) {
    log?.close();
    store?.close();
    rmSync(dir, { recursive: true, force: true });
    throw userError(e);
  } finally {
    for (const r of readers) r.close();
  }
}

/** B's first-pass sums from its first batch only (streamed diff): they only centre the statistics' sums. */
function firstBatchSums(first: IteratorResult<SourceBatch>, ncols: number): ScanPassResult {
  const sums = new Float64Array(ncols);
  const finite = new Float64Array(ncols);
  const rows = first.done === true ? 0 : first.value.scanner.rows;
  if (first.done !== true) {
    const { values } = first.value.scanner;
    for (let c = 0; c < ncols; c++) {
      for (let r = 0; r < rows; r++) {
        const v = values[c][r];
        if (v - v === 0) {
          sums[c] += v;
          finite[c]++;
        }
      }
    }
  }
  return { rows, sums, finite, digests: new Map() };
}

function byString(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Column types over the whole file, by `buildColumns`' rules ("mostly numeric" columns are categorical). */
function columnsOf(reader: CsvSource, rows: number): NamedColumn[] {
  const { missing, bools, others } = reader.counts;
  return reader.header.map((name, index) => {
    const strays = bools[index] + others[index];
    const numbers = rows - missing[index] - strays;
    const kind: ColumnType = strays === 0 ? 'numeric' : others[index] === 0 && numbers === 0 ? 'boolean' : 'categorical';
    return { name, index, kind };
  });
}

/** Statistics accumulators for every column of one file, and the row sampler their numeric samples share. */
function accumulators(cols: readonly NamedColumn[], scan: ScanPassResult, seed: number): { acc: ColumnAccumulator[]; sampler: RowSampler } {
  const numeric = cols.filter((c) => c.kind === 'numeric').length;
  const categorical = cols.filter((c) => c.kind === 'categorical').length;
  const sample = Math.min(SAMPLE_LIMIT, Math.floor(TOTAL_SAMPLE_VALUES / Math.max(1, numeric)));
  const categories = Math.min(CATEGORY_LIMIT, Math.floor(TOTAL_CATEGORIES / Math.max(1, categorical)));
  const acc = cols.map((c) => {
    const shift = scan.finite[c.index] > 0 ? scan.sums[c.index] / scan.finite[c.index] : 0;
    return new ColumnAccumulator(c.kind, Number.isFinite(shift) ? shift : 0, sample, categories);
  });
  return { acc, sampler: new RowSampler(sample, new Rng(seed)) };
}

/** The digest that compares equal exactly when the cells do, for this column's type. */
function digestOf(scan: ScanPassResult, col: CellColumn): number | undefined {
  const d = scan.digests.get(col.index);
  return d === undefined ? undefined : col.kind === 'categorical' ? d[0] : d[1];
}

/** `detectRenames`' rule: each A-only column takes the first B-only column that matches and is not taken yet. */
function pickRenames(candidates: readonly ComparedPair[], matches: (p: ComparedPair, k: number) => boolean): ComparedPair[] {
  const usedA = new Set<number>();
  const usedB = new Set<number>();
  const out: ComparedPair[] = [];
  candidates.forEach((p, k) => {
    if (usedA.has(p.a.index) || usedB.has(p.b.index) || !matches(p, k)) return;
    usedA.add(p.a.index);
    usedB.add(p.b.index);
    out.push(p);
  });
  return out;
}

/** CSV and data errors become `DatasetDiffError` with their location; aborts and bugs pass through. */
function userError(e: unknown): unknown {
  if (e instanceof DatasetDiffError) return e;
  if (e instanceof CsvError) return new DatasetDiffError(e.message, { file: e.file, line: e.line, column: e.columnName ?? e.column });
  if (e instanceof DataError) return new DatasetDiffError(e.message);
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EACCES' || code === 'EROFS') {
    return new DatasetDiffError(`cannot write the diff's temporary files (${code}); free disk space or choose another temp folder`);
  }
  return e;
}
