/**
 * A RunLens model exported as an MLflow model predicts in the real MLflow
 * 2.12 (`mlflow.pyfunc.load_model`) exactly what `runlens serve` predicts:
 * real models trained by the CLI, the real loader module, real MLflow.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadModelForServing } from '../../deploy/serve/servingModel';
import { runMlflowPython } from '../testing/realMlflow';
import { mlflowModelFiles } from './mlflowModel';
import type { TrainedModel, TrainingWorkspace } from './pyfuncTestModels';
import { trainingWorkspace } from './pyfuncTestModels';
import { writeMlflowModel } from './writeMlflowModel';

/**
 * Loads the model with MLflow, predicts on the whole CSV (read as an MLflow
 * user would, extra columns included) and prints the rows it was given
 * (input columns only; NaN as null, infinities as "inf") and the predictions.
 */
const PREDICT = `
import json, math, sys
import mlflow, numpy as np, pandas as pd
model = mlflow.pyfunc.load_model(sys.argv[1])
df = pd.read_csv(sys.argv[2], float_precision="round_trip")
pred = model.predict(df)
names = model.metadata.get_input_schema().input_names()
def cell(v):
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        v = float(v)
        return None if math.isnan(v) else ("inf" if v > 0 else "-inf") if math.isinf(v) else v
    return v
records = [{c: cell(v) for c, v in zip(names, row)} for row in df[names].itertuples(index=False)]
print(json.dumps({"records": records, "predictions": [cell(p) for p in pred.tolist()], "dtype": str(pred.dtype)}))
`;

interface Predicted {
  records: Record<string, unknown>[];
  predictions: unknown[];
  dtype: string;
}

async function predictInMlflow(modelDir: string, csv: string): Promise<Predicted> {
  const r = await runMlflowPython(PREDICT, { args: [modelDir, csv] });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Predicted;
}

const CASES: readonly { config: string; csv: string; rows: number }[] = [
  { config: 'iris.train.yaml', csv: 'data/iris.csv', rows: 150 }, // decision_tree, string labels
  { config: 'wine.train.yaml', csv: 'data/wine.csv', rows: 178 }, // logistic_regression, 3 classes (softmax)
  { config: 'breast_cancer.train.yaml', csv: 'data/breast_cancer.csv', rows: 569 }, // logistic_regression, binary (one logit)
  { config: 'diabetes.train.yaml', csv: 'data/diabetes.csv', rows: 442 }, // linear_regression
  { config: 'wine-mlp.train.yaml', csv: 'data/wine.csv', rows: 178 }, // mlp (relu), classification
  // categories (one-hot and ordinal, padded, unseen), missing values, booleans, infinities (clip / missing):
  { config: 'custom-logreg.train.yaml', csv: 'data/custom-more.csv', rows: 245 },
  { config: 'custom-tree.train.yaml', csv: 'data/custom-more.csv', rows: 245 },
  { config: 'custom-linear.train.yaml', csv: 'data/custom-more.csv', rows: 245 },
  { config: 'custom-mlp.train.yaml', csv: 'data/custom-more.csv', rows: 245 }, // mlp (tanh), regression
];

describe('an exported model in MLflow predicts what runlens serve predicts', () => {
  let ws: TrainingWorkspace;
  let out: string;
  const trained = new Map<string, TrainedModel>();

  before(() => {
    ws = trainingWorkspace();
    out = mkdtempSync(join(tmpdir(), 'runlens-pyfunc-'));
    for (const c of CASES) trained.set(c.config, ws.train(c.config, c.csv));
  });
  after(() => {
    ws?.cleanup();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  for (const c of CASES) {
    test(c.config, async () => {
      const m = trained.get(c.config)!;
      const dir = writeMlflowModel(join(out, c.config), mlflowModelFiles(m.pkg, { packageJson: m.packageJson }));
      const got = await predictInMlflow(dir, m.csv);
      assert.equal(got.records.length, c.rows);
      const expected = loadModelForServing(m.pkg).predict(got.records);
      assert.equal(got.predictions.length, expected.length);
      if (m.pkg.task === 'classification') {
        // The same labels, of the same JSON type as runlens serve answers.
        assert.deepEqual(got.predictions, expected);
        assert.ok(new Set(expected).size > 1, 'a model predicting one class proves little');
        return;
      }
      assert.equal(got.dtype, 'float64');
      for (let i = 0; i < expected.length; i++) {
        const want = expected[i] as number;
        const have = got.predictions[i] as number;
        assert.ok(Math.abs(have - want) <= 1e-9 * Math.max(1, Math.abs(want)), `row ${i + 1}: MLflow ${have}, RunLens ${want}`);
      }
      if (m.pkg.model.type === 'linear_regression') {
        // Same sums in the same order: the same doubles, not merely close ones.
        assert.deepEqual(got.predictions, expected);
      }
    });
  }
});
