/**
 * Turns what the partition comparison gathered into the `DatasetDiff`
 * (schema with renames, row totals with capped example lists, statistic
 * changes, drift) and the `FileDiff` that pages the spilled change list.
 */
import { rmSync } from 'node:fs';
import type { ColumnType } from '../data/frame';
import type { ChangeLog } from './changeLog';
import { categoricalDriftCounts, numericDriftSorted } from './columnDrift';
import type { FileDiff, RowChange, RowChangeFilter } from './diffFiles';
import type { ComparedPair, RowTotals } from './partitionCompare';
import { statChanges } from './statsDiff';
import type { ColumnAccumulator } from './streamStats';
import { isIdLikeCounts, isIdLikeNumbers, skipDrift } from './idColumns';
import type { CellChange, ColumnDrift, DatasetDiff, DiffCell, DriftSkipped, RowRef, SchemaDiff, StatChange } from './types';

export interface NamedColumn {
  readonly name: string;
  readonly index: number;
  readonly kind: ColumnType;
}

export interface ResultInput {
  readonly labels: { readonly a: string; readonly b: string };
  readonly key?: readonly string[];
  readonly colsA: readonly NamedColumn[];
  readonly colsB: readonly NamedColumn[];
  /** Same-name pairs in A's column order. */
  readonly common: readonly ComparedPair[];
  readonly onlyA: readonly NamedColumn[];
  readonly onlyB: readonly NamedColumn[];
  readonly renames: readonly ComparedPair[];
  /** Columns the rows were compared on (B's names), and their changed-cell counts. */
  readonly compared: readonly string[];
  readonly changedByColumn: readonly number[];
  readonly totals: RowTotals;
  readonly accA: readonly ColumnAccumulator[];
  readonly accB: readonly ColumnAccumulator[];
  readonly texts: readonly string[];
  readonly limit: number;
  readonly onStatistics: (done: number, total: number) => void;
}

export function schemaOf(input: ResultInput): SchemaDiff {
  const renamedA = new Set(input.renames.map((r) => r.a.index));
  const renamedB = new Set(input.renames.map((r) => r.b.index));
  return {
    added: input.onlyB.filter((c) => !renamedB.has(c.index)).map((c) => ({ name: c.name, type: c.kind })),
    removed: input.onlyA.filter((c) => !renamedA.has(c.index)).map((c) => ({ name: c.name, type: c.kind })),
    renamed: input.renames.map((r) => ({ from: input.colsA[r.a.index].name, to: r.name })),
    typeChanged: input.common.filter((p) => p.a.kind !== p.b.kind).map((p) => ({ name: p.name, before: p.a.kind, after: p.b.kind })),
  };
}

/**
 * Statistic changes and drift for every pair of columns with the same type
 * (renamed ones under B's name); key and ID-like columns are not drift-tested.
 */
export function statisticsOf(input: ResultInput): { stats: StatChange[]; drift: ColumnDrift[]; skipped: DriftSkipped[] } {
  const same = [...input.common, ...input.renames].filter((p) => p.a.kind === p.b.kind);
  const stats: StatChange[] = [];
  const drift: ColumnDrift[] = [];
  const skipped: DriftSkipped[] = [];
  same.forEach((p, i) => {
    const a = input.accA[p.a.index];
    const b = input.accB[p.b.index];
    stats.push(...statChanges(p.name, a.stats(p.name), b.stats(p.name)));
    if (p.a.kind === 'numeric') {
      const sa = a.sortedSample();
      const sb = b.sortedSample();
      const skip = skipDrift(p.name, input.key, () => isIdLikeNumbers(sa, sb, a.finiteCount, b.finiteCount));
      if (skip) skipped.push(skip);
      else drift.push(numericDriftSorted(p.name, sa, sb));
    } else {
      const ca = a.categoryCounts(input.texts);
      const cb = b.categoryCounts(input.texts);
      const skip = skipDrift(p.name, input.key, () => p.a.kind === 'categorical' && ca !== undefined && cb !== undefined && isIdLikeCounts(ca, cb));
      // Past the category limit (identifiers, free text) there is no meaningful drift to report.
      if (skip) skipped.push(skip);
      else if (ca !== undefined && cb !== undefined) drift.push(categoricalDriftCounts(p.name, ca, cb));
    }
    input.onStatistics(i + 1, same.length);
  });
  return { stats, drift, skipped };
}

/** Renamed A columns shown under B's name; on a modified row B's value is shown. */
function renameView(renames: readonly ComparedPair[], colsA: readonly NamedColumn[]): (c: RowChange) => RowChange {
  if (renames.length === 0) return (c) => c;
  const map = renames.map((r) => [colsA[r.a.index].name, r.name] as const);
  return (c) => {
    if (c.kind === 'added') return c;
    const values: Record<string, DiffCell> = { ...c.values };
    for (const [from, to] of map) {
      if (c.kind === 'removed') values[to] = values[from];
      delete values[from];
    }
    return { ...c, values };
  };
}

/** The capped example lists of `RowDiff`, read from the change log in display order. */
function examples(log: ChangeLog, keyed: boolean, compared: readonly string[], limit: number, view: (c: RowChange) => RowChange):
  { addedRows: RowRef[]; removedRows: RowRef[]; cellChanges: CellChange[] } {
  const addedRows: RowRef[] = [];
  const removedRows: RowRef[] = [];
  const cellChanges: CellChange[] = [];
  const ref = (c: RowChange, line: number | undefined): RowRef => {
    const base: RowRef = keyed ? { key: c.key } : { values: Object.fromEntries(compared.map((n) => [n, c.values[n] ?? null])) };
    return line === undefined ? base : { ...base, line };
  };
  for (const i of log.select(undefined)) {
    if (addedRows.length >= limit && removedRows.length >= limit && cellChanges.length >= limit) break;
    const kind = log.kindOf(i);
    if (kind === 'added' && addedRows.length < limit) {
      const c = view(log.read(i));
      addedRows.push(ref(c, c.lineB));
    } else if (kind === 'removed' && removedRows.length < limit) {
      const c = view(log.read(i));
      removedRows.push(ref(c, c.lineA));
    } else if (kind === 'modified' && cellChanges.length < limit) {
      const c = log.read(i);
      for (const ch of c.changes ?? []) if (cellChanges.length < limit) cellChanges.push({ key: c.key ?? [], ...ch });
    }
  }
  return { addedRows, removedRows, cellChanges };
}

/**
 * Spill directories of diffs not disposed yet. A process that ends without
 * disposing (a CLI run, a failed test) still removes them on exit.
 */
const liveDirs = new Set<string>();
let exitHook = false;

function track(dir: string): void {
  liveDirs.add(dir);
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const d of liveDirs) rmSync(d, { recursive: true, force: true });
  });
}

/** The finished diff; `dir` (spill files) is removed by `dispose`, or when the process exits. */
export function buildFileDiff(input: ResultInput, log: ChangeLog, dir: string): Omit<FileDiff, 'scannedOnWorkers'> {
  const { totals, limit } = input;
  const schema = schemaOf(input);
  const { stats, drift, skipped } = statisticsOf(input);
  const view = renameView(input.renames, input.colsA);
  const keyed = input.key !== undefined;
  const changedCellsByColumn: Record<string, number> = {};
  input.compared.forEach((name, i) => {
    if (input.changedByColumn[i] > 0) changedCellsByColumn[name] = input.changedByColumn[i];
  });
  const rows = {
    mode: keyed ? 'key' as const : 'hash' as const,
    ...(keyed ? { key: [...(input.key as string[])] } : {}),
    rowsA: totals.rowsA, rowsB: totals.rowsB, added: totals.added, removed: totals.removed,
    modified: totals.modified, changedCells: totals.changedCells, changedCellsByColumn,
    ...examples(log, keyed, input.compared, limit, view),
    exampleLimit: limit, comparedColumns: [...input.compared],
  };
  const identical = schema.added.length + schema.removed.length + schema.renamed.length + schema.typeChanged.length === 0
    && rows.added + rows.removed + rows.modified === 0 && stats.length === 0;
  const diff: DatasetDiff = { a: input.labels.a, b: input.labels.b, schema, rows, stats, drift, driftSkipped: skipped, identical };
  const renamedA = new Set(input.renames.map((r) => r.a.index));
  const columns = [...input.colsB.map((c) => c.name), ...input.onlyA.filter((c) => !renamedA.has(c.index)).map((c) => c.name)];
  let disposed = false;
  track(dir);
  const check = (): void => {
    if (disposed) throw new Error('the dataset diff was disposed');
  };
  return {
    diff,
    columns,
    page: async (offset: number, count: number, filter?: RowChangeFilter) => {
      check();
      const sel = log.select(filter);
      const from = Math.max(0, Math.floor(offset));
      const to = Math.min(sel.length, from + Math.max(0, Math.floor(count)));
      const out: RowChange[] = [];
      for (let k = from; k < to; k++) out.push(view(log.read(sel[k])));
      return { total: sel.length, offset: from, rows: out };
    },
    changes: (filter?: RowChangeFilter) => ({
      async *[Symbol.asyncIterator]() {
        check();
        const sel = log.select(filter);
        for (let k = 0; k < sel.length; k++) {
          check();
          yield view(log.read(sel[k]));
        }
      },
    }),
    dispose: () => {
      if (disposed) return;
      disposed = true;
      log.close();
      rmSync(dir, { recursive: true, force: true });
      liveDirs.delete(dir);
    },
  };
}
