import { trainFixture } from '../../deploy/serve/servingFixtures';
import type { ModelPackage } from '../../core/package/modelPackage';
import type { RunStore } from '../runStore';
import type { RunRecord, RunStatus } from '../types';

let iris: Promise<ModelPackage> | undefined;

/** A real model package (a decision tree fitted on iris), trained once per test process. */
export function irisPackage(): Promise<ModelPackage> {
  iris ??= trainFixture('iris').then((f) => f.pkg);
  return iris;
}

export interface TrainedRunOptions {
  readonly experiment?: string;
  readonly name?: string;
  readonly status?: RunStatus;
  /** Default true: log the package as model/model.json. */
  readonly withPackage?: boolean;
  readonly parentId?: string;
}

/**
 * A run shaped like one `runlens train` leaves: config path, git commit,
 * a training dataset and the model package artifact, then its final status.
 */
export async function trainedRun(store: RunStore, opts: TrainedRunOptions = {}): Promise<RunRecord> {
  const pkg = await irisPackage();
  const run = store.createRun({
    experiment: opts.experiment ?? 'iris',
    name: opts.name,
    parentId: opts.parentId ?? null,
    configPath: 'iris.train.yaml',
    gitCommit: '0123456789abcdef0123456789abcdef01234567',
    gitDirty: true,
  });
  store.datasets.logInput(run.id, { fingerprint: 'f'.repeat(64), path: 'data/iris.csv', rows: 150, columns: 5 }, 'train');
  store.logMetrics(run.id, [{ key: 'test_accuracy', value: 0.9667, step: 0 }]);
  if (opts.withPackage ?? true) store.logArtifact(run.id, 'model/model.json', JSON.stringify({ ...pkg, runId: run.id }), 'model');
  store.setStatus(run.id, opts.status ?? 'finished');
  return store.getRun(run.id);
}
