import type { RunSource } from '../../tracking/runSource';

/**
 * Where a compared run is read: its source (the workspace store or a
 * tracking server) and its id there. The panel names runs by key (see
 * src/views/teamServers/runKey.ts): a local run's key is its id.
 */
export interface CompareRunSource {
  readonly source: RunSource;
  readonly runId: string;
}

/** The source of a run key; undefined when no open store or configured server holds it. */
export type SourceForRun = (key: string) => CompareRunSource | undefined;
