/**
 * A fit that ends with scikit-learn's warning (L-BFGS stopped at max_iter)
 * says so in the run's log and in the tag `runlens.fit.warning`; a converged
 * fit has neither. trainRun in this process, against a real store and the
 * examples' iris CSV.
 */
import assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { tempStore } from './command/commandTesting';
import type { WorkerMessage } from './protocol';
import { FIT_WARNING_TAG, trainRun } from './trainRun';

const t = tempStore();
after(() => t.cleanup());
cpSync(resolve(__dirname, '..', '..', 'examples', 'data', 'iris.csv'), join(t.dir, 'iris.csv'));

async function train(name: string, maxIter: number): Promise<{ runId: string; log: string[] }> {
  const configPath = join(t.dir, `${name}.train.yaml`);
  writeFileSync(configPath, `experiment: warn\ndata: { path: iris.csv, target: species }\nmodel: { type: logistic_regression, params: { max_iter: ${maxIter} } }\n`);
  const messages: WorkerMessage[] = [];
  const log: string[] = [];
  await trainRun({ store: t.store, request: { storeDir: t.storeDir, configPath }, emit: (m) => messages.push(m), signal: new AbortController().signal, log: (l) => log.push(l) });
  const started = messages.find((m) => m.type === 'started');
  assert.ok(started?.type === 'started', JSON.stringify(messages));
  assert.equal(t.store.getRun(started.runId).status, 'finished', 'a warning is not a failure');
  return { runId: started.runId, log };
}

test('a fit stopped at max_iter logs scikit-learn\'s warning and tags the run; a converged one does neither', async () => {
  const stopped = await train('short', 2);
  assert.equal(t.store.getTags(stopped.runId)[FIT_WARNING_TAG], 'lbfgs failed to converge (status=1): STOP: TOTAL NO. of ITERATIONS REACHED LIMIT. Increase the number of iterations (max_iter) or scale the data.');
  assert.ok(stopped.log.some((l) => /^\[fit\] warning: lbfgs failed to converge \(status=1\): STOP: TOTAL NO\. of ITERATIONS REACHED LIMIT\./.test(l)), stopped.log.join('\n'));
  const converged = await train('long', 1000);
  assert.equal(t.store.getTags(converged.runId)[FIT_WARNING_TAG], undefined);
  assert.ok(!converged.log.some((l) => l.includes('warning')), converged.log.join('\n'));
});
