import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { frameRecords, expectedPredictions, trainFixture } from './servingFixtures';
import type { TrainedFixture } from './servingFixtures';
import { ColumnMismatchError, loadModelForServing } from './servingModel';

describe('loadModelForServing', () => {
  let iris: TrainedFixture;
  let diabetes: TrainedFixture;
  before(async () => {
    iris = await trainFixture('iris');
    diabetes = await trainFixture('diabetes');
  });

  it('predicts class labels equal to the trained model on the test split', () => {
    const served = loadModelForServing(iris.pkg);
    const got = served.predict(frameRecords(iris.data.testFrame, ['species']));
    assert.deepEqual(got, expectedPredictions(iris));
    assert.ok(got.every((p) => typeof p === 'string'), 'labels, not indices');
    assert.equal(new Set(got).size, 3);
  });

  it('predicts regression values equal to the trained model', () => {
    const served = loadModelForServing(diabetes.pkg);
    assert.deepEqual(served.predict(frameRecords(diabetes.data.testFrame, ['progression'])), expectedPredictions(diabetes));
    assert.equal(served.predictProba, undefined);
  });

  it('gives probabilities whose argmax-consistent rows sum to 1, with the classes', () => {
    const served = loadModelForServing(iris.pkg);
    assert.ok(served.predictProba);
    const r = served.predictProba(frameRecords(iris.data.testFrame, ['species']));
    assert.deepEqual(r.classes, iris.data.classes);
    assert.deepEqual(r.predictions, expectedPredictions(iris));
    assert.equal(r.probabilities.length, iris.data.testFrame.rows);
    for (const row of r.probabilities) {
      assert.equal(row.length, 3);
      assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-9);
    }
  });

  it('names missing columns and ignores extra ones (the target here), as MLflow does', () => {
    const served = loadModelForServing(iris.pkg);
    const records = frameRecords(iris.data.testFrame, ['petal_width']); // keeps the target: extra
    assert.throws(() => served.predict(records), (e: unknown) => {
      assert.ok(e instanceof ColumnMismatchError);
      assert.deepEqual(e.missing, ['petal_width']);
      assert.deepEqual(e.extra, []);
      assert.match(e.message, /^missing column "petal_width" \(the model needs/);
      return true;
    });
    const withTarget = frameRecords(iris.data.testFrame, []);
    assert.deepEqual(served.predict(withTarget), served.predictFrame(iris.data.testFrame));
  });

  it('reports info about the package', () => {
    const { info } = loadModelForServing(iris.pkg);
    assert.equal(info.runId, 'run-iris');
    assert.equal(info.task, 'classification');
    assert.equal(info.modelType, 'decision_tree');
    assert.deepEqual([...info.inputColumns].sort(), ['petal_length', 'petal_width', 'sepal_length', 'sepal_width']);
  });
});
