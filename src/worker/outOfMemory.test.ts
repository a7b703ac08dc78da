/**
 * A run that cannot get the memory it needs ends `failed` with the reason,
 * never `running`: refused by the load estimate before reading, or killed
 * by V8 at its heap limit (real trainer processes, a real store, a heap
 * limit of 32 MB given to the worker only).
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeWorkspace } from '../../test/fixtures/workspace';
import { RunStore } from '../store/runStore';
import { TrainerProcess } from './trainerProcess';

describe('a run short of memory', () => {
  const ws = makeWorkspace();
  // 800,000 rows of two unique short ids, a number and a 0/1 target (about 17 MB): about 200 MB of
  // strings once read, far more than a 32 MB heap; the ids are excluded, so a run with memory would train.
  const lines = ['id,code,n,y'];
  for (let i = 0; i < 800_000; i++) lines.push(`u${(i * 7919).toString(36)},c${(i * 104729 % 999983).toString(36)},${i % 97},${i % 2}`);
  writeFileSync(join(ws.dir, 'data', 'ids.csv'), `${lines.join('\n')}\n`);
  ws.write('ids.train.yaml', 'experiment: mem\ndata:\n  path: data/ids.csv\n  target: y\n  features: { exclude: [id, code] }\nmodel:\n  type: decision_tree\n  params: { max_depth: 2 }\n');
  const storeDir = join(ws.dir, '.runlens');
  after(() => ws.cleanup());

  async function train(env: Record<string, string>) {
    const store = RunStore.open(storeDir);
    try {
      const trainer = new TrainerProcess({ storeDir, configPath: join(ws.dir, 'ids.train.yaml') }, { store, env });
      const outcome = await trainer.done;
      trainer.dispose();
      assert.ok(outcome.runId, JSON.stringify(outcome));
      return { outcome, run: store.getRun(outcome.runId)!, artifacts: store.listArtifacts(outcome.runId).map((a) => a.path) };
    } finally {
      store.close();
    }
  }

  test('refused by the estimate: failed, with the file, its size and the estimate in the store', async () => {
    const { outcome, run } = await train({ NODE_OPTIONS: '--max-old-space-size=32' });
    assert.equal(outcome.status, 'failed');
    assert.equal(run.status, 'failed');
    assert.match(run.error ?? '', /^data\/ids\.csv is 1\d MB \(about [\d,]+ rows of 4 columns, 2 of text\): loading and training on it needs about \d+ MB, more than the \d+ MB left under the JavaScript heap limit: /);
  });

  test('dead at the heap limit (estimate skipped): failed, saying it ran out of memory, with its log kept', async () => {
    const { outcome, run, artifacts } = await train({ NODE_OPTIONS: '--max-old-space-size=32', RUNLENS_MEMORY_CHECK: 'off' });
    assert.equal(outcome.status, 'failed');
    assert.equal(run.status, 'failed');
    assert.ok(artifacts.includes('logs/train.log'), artifacts.join(', '));
    assert.match(run.error ?? '', /^the trainer process ran out of memory \(JavaScript heap out of memory, signal SIGABRT\): train on fewer rows, or raise the limit with NODE_OPTIONS=--max-old-space-size=<MB>$/);
  });
});
