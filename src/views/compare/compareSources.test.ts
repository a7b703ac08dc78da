/**
 * One comparison holding a run of the workspace store and a run on a real
 * `mlflow server` 2.12 (logged by MLflow's Python client): the table, the
 * curves (the server's through its bulk-interval read), a confusion matrix
 * artifact downloaded from the server, a server that goes away, and a
 * remote run read again only when the host says the server changed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MlflowClient } from '../../mlflow/client/mlflowClient';
import type { CompareData, HostToPage, SeriesPayload } from '../../protocol/compare';
import { tempStore } from '../../store/testing/tempStore';
import { LocalRunSource } from '../../tracking/localRunSource';
import { MlflowRunSource } from '../../tracking/mlflowRunSource';
import type { MlflowServer } from '../../tracking/testing/realMlflow';
import { runMlflowPython, startMlflowServer } from '../../tracking/testing/realMlflow';
import { parseRunKey, remoteRunKey } from '../teamServers/runKey';
import { CompareSession } from './compareSession';
import type { SourceForRun } from './compareStore';

const LOG = `
import sys, time, mlflow
from mlflow.entities import Metric
mlflow.set_tracking_uri(sys.argv[1])
mlflow.set_experiment("team")
with mlflow.start_run(run_name="remote-mlp") as run:
    mlflow.log_param("lr", "0.01")
    mlflow.log_param("model", "mlp")
    now = int(time.time() * 1000)
    pts = [Metric("train_loss", 2.0 / (1 + s / 50), now + s, s) for s in range(3000)]
    for i in range(0, len(pts), 1000):
        mlflow.MlflowClient().log_batch(run.info.run_id, metrics=pts[i:i + 1000])
    mlflow.log_metric("test_accuracy", 0.91)
    mlflow.log_dict({"split": "test", "labels": ["a", "b"], "matrix": [[4, 1], [0, 5]]}, "confusion_matrix.json")
print(run.info.run_id)
`;

function dataOf(messages: HostToPage[]): CompareData {
  const m = messages.find((x) => x.type === 'data');
  assert.ok(m && m.type === 'data');
  return m.data;
}

function seriesOf(messages: HostToPage[], key: string): SeriesPayload[] {
  return messages.flatMap((m) => (m.type === 'series' && m.key === key ? m.series : []));
}

describe('a comparison of a local run and a run on a real MLflow server', () => {
  let server: MlflowServer;
  let remoteId: string;
  before(async () => {
    server = await startMlflowServer();
    const r = await runMlflowPython(LOG, { args: [server.uri] });
    assert.equal(r.code, 0, r.stderr);
    remoteId = r.stdout.trim().split('\n').pop()!;
  });
  after(async () => server?.dispose());

  test('both runs in one table, both curves drawn, the remote artifact read from the server', async (t) => {
    const { store } = tempStore(t);
    const local = store.createRun({ experiment: 'team', name: 'local-tree' });
    store.logParams(local.id, { model: 'tree', lr: '0.01' });
    store.logMetrics(local.id, Array.from({ length: 50 }, (_, i) => ({ key: 'train_loss', step: i, value: 1 / (i + 1), timestamp: 1000 + i })));
    store.logMetrics(local.id, [{ key: 'test_accuracy', step: 0, value: 0.88 }]);
    const localSource = new LocalRunSource(store);
    let remoteReads = 0;
    const remote = new MlflowRunSource(new MlflowClient(server.uri, { retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } }));
    const getRun = remote.getRun.bind(remote);
    remote.getRun = (ref, signal) => {
      remoteReads++;
      return getRun(ref, signal);
    };
    const sourceForRun: SourceForRun = (key) => {
      const ref = parseRunKey(key);
      if (ref.server === undefined) return { source: localSource, runId: ref.runId };
      return ref.server === server.uri ? { source: remote, runId: ref.runId } : undefined;
    };
    const log: string[] = [];
    const s = new CompareSession({ sourceForRun, pointsPerSeries: () => 400, log: (m) => log.push(m) });
    const key = remoteRunKey(server.uri, remoteId);
    s.setRuns([local.id, key]);
    const messages = await s.initialMessages();
    const data = dataOf(messages);
    assert.deepEqual(data.runs.map((r) => [r.id, r.name, r.experiment]), [[local.id, 'local-tree', 'team'], [key, 'remote-mlp', 'team']]);
    assert.deepEqual(data.missingRunIds, []);
    const row = (k: string) => data.table.find((r) => r.key === k)!;
    assert.deepEqual(row('model').values, ['tree', 'mlp']);
    assert.equal(row('lr').differs, false);
    assert.deepEqual(row('test_accuracy').best, [1], 'the remote run has the best accuracy');
    assert.deepEqual(data.chartKeys, ['train_loss']);
    const [ls, rs] = seriesOf(messages, 'train_loss');
    assert.equal(ls!.runId, local.id);
    assert.equal(ls!.steps.length, 50);
    assert.equal(rs!.runId, key, 'the remote curve is named by its key');
    assert.equal(rs!.count, 3000, 'the count is the server\'s full history');
    assert.ok(rs!.steps.length > 100 && rs!.steps.length <= 400 + 2, `${rs!.steps.length} points from the bulk-interval read`);
    assert.equal(rs!.downsampled, true);
    assert.deepEqual(data.confusionMatrices, [{ runId: key, split: 'test', labels: ['a', 'b'], matrix: [[4, 1], [0, 5]] }]);
    assert.deepEqual(s.comparedInputs.map((r) => r.name), ['local-tree', 'remote-mlp']);

    // zooming reads denser points of the window from the server
    const range = await s.rangeMessage(1, 'train_loss', 1000, 1100);
    assert.ok(range.type === 'range');
    const remoteRange = range.series.find((x) => x.runId === key)!;
    assert.equal(remoteRange.steps.length, 101, 'every step of the window');
    assert.ok(remoteRange.steps.every((x) => x >= 1000 && x <= 1100));

    // a local change re-reads the local run only; the remote one again only when invalidated
    const reads = remoteReads;
    store.logMetrics(local.id, [{ key: 'train_loss', step: 50, value: 0.01 }]);
    const live = await s.liveMessages();
    assert.deepEqual(seriesOf(live, 'train_loss').map((x) => x.runId), [local.id]);
    assert.equal(remoteReads, reads, 'the server was not asked again');
    s.invalidateRemote();
    assert.deepEqual(await s.liveMessages(), [], 'nothing changed on the server');
    assert.equal(remoteReads, reads + 1);

    // the server goes away: the remote run is reported with the reason, the local one stays
    await server.stop();
    t.after(() => server.restart());
    s.invalidateRemote();
    const away = dataOf(await s.initialMessages());
    assert.deepEqual(away.runs.map((r) => r.id), [local.id]);
    assert.deepEqual(away.missingRunIds, [key]);
    assert.equal(s.readProblems.length, 1);
    assert.match(s.readProblems[0]!, /is not reachable .*ECONNREFUSED/);
  });
});
