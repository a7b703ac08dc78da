import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type { TrainConfig } from '../core/config/trainConfig';
import { tempStore } from '../store/testing/tempStore';
import type { TrainRequest, WorkerMessage } from './protocol';
import { startRun } from './startRun';

const config: TrainConfig = { name: 'from-config', tags: { team: 'a', shared: 'config' } };

test('a request without runId creates a running run named and tagged from the config and request, owned by this process', async (t) => {
  const { store, dir } = tempStore(t);
  const messages: WorkerMessage[] = [];
  const request: TrainRequest = { storeDir: dir, configPath: path.join(dir, 'churn.train.yaml'), tags: { shared: 'request', 'runlens.source': 'test' } };
  const run = await startRun(store, request, config, (m) => messages.push(m));
  assert.ok(run);
  assert.equal(run.status, 'running');
  assert.equal(run.name, 'from-config');
  assert.equal(run.experiment, 'churn');
  assert.equal(run.pid, process.pid);
  assert.deepEqual(store.getTags(run.id), { team: 'a', shared: 'request', 'runlens.source': 'test' });
  assert.deepEqual(messages, [{ type: 'started', runId: run.id, runName: 'from-config', experiment: 'churn' }]);
});

test('a queued trial is adopted: moved to running, its name kept, the tags applied', async (t) => {
  const { store, dir } = tempStore(t);
  const queued = store.createRun({ experiment: 'sweep', name: 'trial-1', status: 'queued', tags: { 'runlens.kind': 'trial' } });
  const messages: WorkerMessage[] = [];
  const run = await startRun(store, { storeDir: dir, configPath: path.join(dir, 'x.yaml'), runId: queued.id, tags: { extra: '1' } }, config, (m) => messages.push(m));
  assert.equal(run?.id, queued.id);
  assert.equal(store.getRun(queued.id).status, 'running');
  assert.equal(store.getRun(queued.id).pid, process.pid, 'the worker claims the trial with its pid');
  assert.deepEqual(store.getTags(queued.id), { 'runlens.kind': 'trial', team: 'a', shared: 'config', extra: '1' });
  assert.deepEqual(messages, [{ type: 'started', runId: queued.id, runName: 'trial-1', experiment: 'sweep' }]);
});

test('a trial its sweep already killed or finished is not started: finished (killed) or failed, and left as it is', async (t) => {
  const { store, dir } = tempStore(t);
  const request = (runId: string): TrainRequest => ({ storeDir: dir, configPath: path.join(dir, 'x.yaml'), runId });
  const killed = store.createRun({ experiment: 'sweep', status: 'queued' });
  store.setStatus(killed.id, 'killed', { error: 'sweep cancelled' });
  const messages: WorkerMessage[] = [];
  assert.equal(await startRun(store, request(killed.id), config, (m) => messages.push(m)), undefined);
  assert.deepEqual(messages, [{ type: 'finished', runId: killed.id, status: 'killed', metrics: {} }]);
  assert.equal(store.getRun(killed.id).status, 'killed');

  const done = store.createRun({ experiment: 'sweep', status: 'queued' });
  store.setStatus(done.id, 'finished');
  messages.length = 0;
  assert.equal(await startRun(store, request(done.id), config, (m) => messages.push(m)), undefined);
  assert.equal(messages.length, 1);
  const [failed] = messages;
  assert.ok(failed?.type === 'failed');
  assert.match(failed.error.message, new RegExp(`run ${done.id} is finished, not queued`));
  assert.equal(store.getRun(done.id).status, 'finished');
});
