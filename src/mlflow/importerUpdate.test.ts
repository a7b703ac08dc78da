/**
 * Re-importing a store after MLflow carried on with a run (issue #13 part 4):
 * the run written by the real MLflow 2.12 client, to a file store and to a
 * SQLite tracking database.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { tempDir, tempStore } from '../store/testing/tempStore';
import { runMlflowPython } from '../tracking/testing/realMlflow';
import { importMlflow, openMlflowSource } from './importer';

/** argv: tracking URI, phase ("start" or "continue"); prints the run id. */
const SCRIPT = `
import sys, mlflow
from mlflow import MlflowClient
uri, phase = sys.argv[1], sys.argv[2]
client = MlflowClient(uri)
if phase == "start":
    exp = client.create_experiment("grow")
    run = client.create_run(exp, run_name="long")
    client.log_param(run.info.run_id, "lr", "0.1")
    client.log_metric(run.info.run_id, "loss", 1.0, step=0)
    print(run.info.run_id)
else:
    run_id = sys.argv[3]
    for step in range(1, 6):
        client.log_metric(run_id, "loss", 1.0 / (step + 1), step=step)
    client.log_metric(run_id, "acc", 0.9, step=5)
    client.log_param(run_id, "epochs", "6")
    client.set_tag(run_id, "stage", "done")
    client.log_text(run_id, "all good", "notes/report.txt")
    client.set_terminated(run_id, "FINISHED")
    print(run_id)
`;

async function mlflow(uri: string, ...args: string[]): Promise<string> {
  const r = await runMlflowPython(SCRIPT, { args: [uri, ...args] });
  assert.equal(r.code, 0, r.stderr.slice(-2000));
  return r.stdout.trim();
}

for (const kind of ['file store', 'SQLite database'] as const) {
  test(`a run MLflow continued after the first import is brought up to date by the next (${kind})`, async (t) => {
    const dir = tempDir(t);
    const where = kind === 'file store' ? path.join(dir, 'mlruns') : path.join(dir, 'mlflow.db');
    const uri = kind === 'file store' ? where : `sqlite:///${where}`;
    const { store, clock } = tempStore(t, { staleAfterMs: 60_000 });
    const runImport = () => {
      const source = openMlflowSource(where);
      try {
        return importMlflow(store, source);
      } finally {
        source.close();
      }
    };

    const runId = await mlflow(uri, 'start');
    const first = runImport();
    assert.deepEqual([first.imported, first.updated, first.skipped], [1, 0, 0]);
    const local = store.findRunIdsByTag('mlflow.runId', runId)[0]!;
    clock.advance(3_600_000);
    store.markStaleRuns();
    assert.equal(store.getRun(local).status, 'failed', 'left RUNNING in MLflow, its process gone: failed here');
    assert.equal(store.getMetricSummaries(local)[0]!.count, 1);

    await mlflow(uri, 'continue', runId);
    const second = runImport();
    assert.deepEqual([second.imported, second.updated, second.skipped, second.metricPoints, second.artifacts], [0, 1, 0, 6, 1]);
    const run = store.getRun(local);
    assert.equal(run.status, 'finished');
    assert.notEqual(run.endedAt, null);
    assert.deepEqual([...store.getMetricHistory(local, 'loss').values], [1, 1 / 2, 1 / 3, 1 / 4, 1 / 5, 1 / 6]);
    assert.deepEqual([...store.getMetricHistory(local, 'loss').steps], [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(store.getMetricSummaries(local).map((m) => [m.key, m.count]), [['acc', 1], ['loss', 6]]);
    assert.deepEqual(store.getParams(local), { epochs: '6', lr: '0.1' });
    assert.equal(store.getTags(local).stage, 'done');
    assert.deepEqual(store.listArtifacts(local).map((a) => a.path), ['notes/report.txt']);

    const third = runImport();
    assert.deepEqual([third.imported, third.updated, third.skipped, third.metricPoints, third.artifacts], [0, 0, 1, 0, 0], 'nothing new: nothing written');
    assert.equal(store.getMetricSummaries(local).find((m) => m.key === 'loss')!.count, 6);
  });
}
