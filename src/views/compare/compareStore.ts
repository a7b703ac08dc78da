import type { RunStore } from '../../store/runStore';

/** The part of a RunStore the compare panel reads (tests may pass a real store). */
export type CompareStore = Pick<
  RunStore,
  'findRun' | 'getParams' | 'getMetricSummaries' | 'downsampleMetric' | 'listArtifacts' | 'artifactPath' | 'listInputs' | 'listRuns'
>;

/** The store holding a run (multi-root: one store per folder), undefined when no store has it. */
export type StoreForRun = (runId: string) => CompareStore | undefined;
