import { tmpdir } from 'node:os';
import { diffDatasets } from '../../datasets/diffDatasets';
import type { RunStore } from '../../store/runStore';
import type { RunDetails } from '../../tracking/runSource';
import { diffSummaryLine } from '../datasetDiff/diffMarkdown';

/** How a run's data compares with the previous run of the same config. */
export interface ReportDataChange {
  readonly role: string;
  readonly path: string;
  readonly previousRun: string;
  readonly from: string;
  readonly to: string;
  /** The dataset diff's one-line summary, or why there is none. */
  readonly summary: string;
}

/** Finds a run's previous run of the same config and its data changes; undefined when there is no previous run. */
export type DataChangesOf = (details: RunDetails) => Promise<{ readonly previousRun: string; readonly changes: readonly ReportDataChange[] } | undefined>;

/**
 * Against the local store: the newest run of the same config created before
 * this one, and for each role whose fingerprint moved, the dataset diff of
 * the two recorded versions (their snapshots, through `diffDatasets`, as
 * `runlens diff sha256:A sha256:B` does). A version without a snapshot is
 * said, not fatal.
 */
export function localDataChanges(store: RunStore, workspace: string): DataChangesOf {
  return async (d) => {
    const { run } = d;
    if (!run.configPath) return undefined;
    const previous = store.runsOfConfig(run.configPath, { limit: 200 })
      .filter((r) => r.id !== run.id && r.createdAt < run.createdAt && r.parentId === null)
      .sort((a, b) => b.createdAt - a.createdAt)[0];
    if (!previous) return undefined;
    const before = new Map(store.datasets.listInputs(previous.id).map((i) => [i.role, i]));
    const changes: ReportDataChange[] = [];
    for (const input of d.inputs) {
      const old = before.get(input.role);
      if (!old || old.fingerprint === input.fingerprint) continue;
      let summary: string;
      try {
        const side = (fingerprint: string) => ({ ref: { kind: 'version' as const, fingerprint }, ctx: { store, root: workspace } });
        const diff = await diffDatasets(side(old.fingerprint), side(input.fingerprint), { exampleLimit: 1, tempDir: tmpdir() });
        try {
          summary = diffSummaryLine(diff.fileDiff.diff);
        } finally {
          diff.dispose();
        }
      } catch (e) {
        summary = `not diffed: ${(e as Error).message}`;
      }
      changes.push({ role: input.role, path: input.path, previousRun: previous.name, from: old.fingerprint, to: input.fingerprint, summary });
    }
    return { previousRun: previous.name, changes };
  };
}
