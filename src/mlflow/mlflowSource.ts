/**
 * What an MLflow tracking store holds, in the shape the importer needs; the
 * file-store and SQLite readers both produce it.
 */
import type { MetricPoint, RunStatus } from '../store/types';

export interface MlflowExperiment {
  /** MLflow's experiment id (a string of digits; "0" is "Default"). */
  readonly id: string;
  readonly name: string;
  readonly deleted: boolean;
  readonly creationTime: number | null;
}

export interface MlflowRun {
  readonly runId: string;
  readonly experimentId: string;
  /** From meta `run_name` / the `name` column, else the `mlflow.runName` tag; null when neither. */
  readonly name: string | null;
  readonly status: RunStatus;
  readonly startTime: number | null;
  readonly endTime: number | null;
  readonly deleted: boolean;
  readonly params: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  /** Points in logging order (file order, or timestamp order from SQLite). */
  readonly metrics: readonly MetricPoint[];
  /** Local folder holding the run's artifacts, or null when there is none (or it is not local). */
  readonly artifactDir: string | null;
}

/** A readable MLflow store. Runs are read one at a time so a large store never sits in memory. */
export interface MlflowSource {
  /** "file store at …" / "SQLite database …", for messages. */
  readonly description: string;
  readonly experiments: readonly MlflowExperiment[];
  /** Ids of the runs of an experiment (cheap; no metrics read). */
  runIds(experimentId: string): string[];
  /** Reads one run completely; errors name the file and line. */
  readRun(experimentId: string, runId: string): MlflowRun;
  /** Things skipped while reading (non-local artifact locations…). */
  readonly warnings: string[];
  close(): void;
}
