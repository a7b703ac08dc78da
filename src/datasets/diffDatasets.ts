/**
 * One diff of two dataset refs, as both the CLI's `runlens diff` and the
 * editor's diff panel run it: make each side a readable file (a file, a
 * recorded version, a git revision), run the streaming engine on the two
 * files, and own everything that needs cleaning up (temp copies of git
 * revisions, the engine's spill file) until `dispose`. What each caller adds
 * stays with it: the CLI's exit codes and formats, the panel's statistics,
 * summary and side-naming errors.
 */
import type { DiffProgress, FileDiff } from '../core/datasetDiff/diffFiles';
import { diffCsvFiles } from '../core/datasetDiff/diffFiles';
import { throwIfAborted } from '../core/util/errors';
import type { DatasetRef } from './datasetRef';
import type { MaterializeContext, MaterializedDataset } from './materialize';
import { materializeDataset } from './materialize';
import { asCsvFile } from './csvView';

export type DiffSideName = 'A' | 'B';

/** One side of a diff: a ref and what it resolves against (the CLI resolves typed paths and versions differently). */
export interface DiffSideSpec {
  readonly ref: DatasetRef;
  readonly ctx: MaterializeContext;
}

export interface DiffDatasetsOptions {
  /** Key columns; none (or empty) compares whole rows as a multiset. */
  readonly key?: readonly string[];
  /** Example rows kept per change kind in `fileDiff.diff` (engine default when unset). */
  readonly exampleLimit?: number;
  /** Where the engine's spill files go. */
  readonly tempDir?: string;
  readonly signal?: AbortSignal;
  /** Called before each side is made readable (A, then B). */
  readonly onSide?: (side: DiffSideName) => void;
  /** The engine's progress. */
  readonly onProgress?: (p: DiffProgress) => void;
  /** How a side becomes a file; default `materializeDataset` (its errors unchanged). The panel names the side in its errors. */
  readonly materialize?: (side: DiffSideName, ref: DatasetRef, ctx: MaterializeContext) => Promise<MaterializedDataset>;
}

/** Both sides as files and the engine's result; `dispose` removes temp copies and the spill file. */
export interface DatasetsDiff {
  readonly a: MaterializedDataset;
  readonly b: MaterializedDataset;
  readonly fileDiff: FileDiff;
  dispose(): void;
}

const defaultMaterialize = (_side: DiffSideName, ref: DatasetRef, ctx: MaterializeContext) => materializeDataset(ref, ctx);

/** Diffs two dataset refs. On any failure (or an abort) everything made so far is disposed before the error propagates. */
export async function diffDatasets(a: DiffSideSpec, b: DiffSideSpec, options: DiffDatasetsOptions = {}): Promise<DatasetsDiff> {
  const { signal } = options;
  const materialize = options.materialize ?? defaultMaterialize;
  const sides: MaterializedDataset[] = [];
  try {
    for (const [name, spec] of [['A', a], ['B', b]] as const) {
      options.onSide?.(name);
      sides.push(await materialize(name, spec.ref, spec.ctx));
      throwIfAborted(signal);
    }
    const [ma, mb] = sides as [MaterializedDataset, MaterializedDataset];
    // The engine streams CSV: a Parquet or JSON Lines side is diffed as the CSV of its values.
    const csvA = await asCsvFile(ma, options.tempDir);
    sides.push(csvA);
    const csvB = await asCsvFile(mb, options.tempDir);
    sides.push(csvB);
    throwIfAborted(signal);
    const fileDiff = await diffCsvFiles(csvA.file, csvB.file, {
      key: options.key && options.key.length > 0 ? options.key : undefined,
      ...(options.exampleLimit !== undefined ? { exampleLimit: options.exampleLimit } : {}),
      labels: { a: ma.label, b: mb.label },
      signal,
      tempDir: options.tempDir,
      onProgress: options.onProgress,
    });
    let disposed = false;
    return {
      a: ma,
      b: mb,
      fileDiff,
      dispose() {
        if (disposed) return;
        disposed = true;
        fileDiff.dispose();
        for (const s of sides) s.dispose();
      },
    };
  } catch (e) {
    for (const s of sides) s.dispose();
    throw e;
  }
}
