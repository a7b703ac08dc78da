import { join } from 'node:path';
import type { Frame } from '../../core/data/frame';
import { prepareData } from '../../core/data/prepareData';
import type { PreparedData } from '../../core/data/prepareData';
import type { Model } from '../../core/models/model';
import { createModel } from '../../core/models/registry';
import { MODEL_PACKAGE_FORMAT, MODEL_PACKAGE_VERSION } from '../../core/package/modelPackage';
import type { ModelPackage } from '../../core/package/modelPackage';
import { RUNLENS_VERSION } from '../../core/version';

/** A model trained in-process on an example dataset, packaged like `trainRun` does (test support). */
export interface TrainedFixture {
  readonly pkg: ModelPackage;
  readonly data: PreparedData;
  readonly model: Model;
}

const EXAMPLES = join(__dirname, '..', '..', '..', 'examples');

/** Decision tree on iris (classification) or linear regression on diabetes. */
export async function trainFixture(which: 'iris' | 'diabetes'): Promise<TrainedFixture> {
  const iris = which === 'iris';
  const data = await prepareData({ path: `data/${which}.csv`, target: iris ? 'species' : 'progression' }, EXAMPLES, { seed: 42 });
  const model = createModel(iris ? 'decision_tree' : 'linear_regression', iris ? { max_depth: 4, seed: 0 } : {}, data.task);
  await model.fit(data.Xtrain, data.ytrain, { task: data.task, nClasses: data.classes?.length, featureNames: data.featureNames });
  const pkg: ModelPackage = {
    format: MODEL_PACKAGE_FORMAT,
    version: MODEL_PACKAGE_VERSION,
    task: data.task,
    target: iris ? 'species' : 'progression',
    ...(data.classes ? { classes: data.classes } : {}),
    inputColumns: data.preprocessor.inputColumns,
    featureNames: data.featureNames,
    preprocessor: data.preprocessor.toJSON(),
    model: model.toJSON(),
    runId: `run-${which}`,
    createdAt: 0,
    runlensVersion: RUNLENS_VERSION,
  };
  // Through JSON, as the package is read back from model.json.
  return { pkg: JSON.parse(JSON.stringify(pkg)) as ModelPackage, data, model };
}

/** The rows of a frame as JSON records (missing values as null), without the `omit` columns. */
export function frameRecords(frame: Frame, omit: readonly string[] = []): Record<string, unknown>[] {
  const cols = frame.columns.filter((c) => !omit.includes(c.name));
  return Array.from({ length: frame.rows }, (_, r) => Object.fromEntries(cols.map((c) => {
    const v = c.values[r];
    return [c.name, typeof v === 'number' && Number.isNaN(v) ? null : v];
  })));
}

/** What the in-process model predicts for the test split, as labels (classification) or values. */
export function expectedPredictions(f: TrainedFixture): (string | number | boolean)[] {
  const y = f.model.predict(f.data.preprocessor.transform(f.data.testFrame));
  const classes = f.data.classes;
  return classes ? Array.from(y, (k) => classes[k]) : Array.from(y);
}
