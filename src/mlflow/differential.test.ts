/**
 * Differential test (issue #13 part 5): one session of the real MLflow 2.12
 * client (testing/differential.py: experiments with tags, runs, nested runs,
 * log_batch, histories, artifacts with a non-ASCII name, every filter form
 * of search_runs, paging, delete/restore with view types, datasets,
 * scikit-learn autolog, the registry with aliases) against a real
 * `mlflow server` and against `runlens server`. The two normalized
 * transcripts must be equal line by line, except the deliberate differences
 * below, each with its reason (docs/mlflow.md).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { runMlflowPython, startMlflowServer } from '../tracking/testing/realMlflow';
import { serveStore } from './testing/trackingServerFixture';

/** Transcript label → why runlens server answers differently from MLflow 2.12 there. */
export const DELIBERATE_DIFFERENCES: Readonly<Record<string, string>> = {
  'download non-ASCII artifact':
    "MLflow 2.12's server drops the connection (gunicorn cannot put the name in a Latin-1 Content-Disposition header); runlens server sends it as RFC 6266 filename*",
  'search [metrics.acc < 0.9]':
    "MLflow's SQL store keeps a NaN metric as 0 with an is_nan flag, so NaN matches < 0.9; in RunLens a NaN compares false except = NaN / != NaN",
  'search [metrics.acc != 0.95]': 'the same NaN rule: MLflow matches the NaN run, RunLens does not',
  'search pages of 2':
    "MLflow's SQL store hands out a page token whenever a page is full, so the client reads one empty page more; runlens server gives a token only when another run follows",
  'search versions by name':
    'runlens server lists each version\'s aliases in search results too; MLflow 2.12 leaves them out of search_model_versions (get_model_version has them)',
};

interface Line {
  readonly label: string;
  readonly text: string;
}

function transcript(stdout: string): Line[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('['))
    .map((l) => {
      const [label, value] = JSON.parse(l) as [string, unknown];
      return { label, text: JSON.stringify(value) };
    });
}

const SCRIPT = fs.readFileSync(path.join(__dirname, 'testing', 'differential.py'), 'utf8');

test('the MLflow client sees runlens server as it sees mlflow server, except the listed deliberate differences', async (t) => {
  const mlflow = await startMlflowServer();
  t.after(() => mlflow.dispose());
  const runlens = await serveStore(t, { realClock: true });
  // No retries: a server that drops a connection (MLflow on a non-ASCII download) is answered at once, not after a minute of back-off.
  const env = (uri: string) => ({ MLFLOW_TRACKING_URI: uri, MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0' });
  const [a, b] = await Promise.all([
    runMlflowPython(SCRIPT, { env: env(mlflow.uri), args: ['diff'] }),
    runMlflowPython(SCRIPT, { env: env(runlens.url), args: ['diff'] }),
  ]);
  assert.equal(a.code, 0, `against mlflow server:\n${a.stderr.slice(-3000)}`);
  assert.equal(b.code, 0, `against runlens server:\n${b.stderr.slice(-3000)}`);
  const want = transcript(a.stdout);
  const got = transcript(b.stdout);
  assert.equal(want.at(-1)?.label, 'done', 'the MLflow transcript is complete');
  assert.deepEqual(got.map((l) => l.label), want.map((l) => l.label), 'both sessions took the same steps');

  const differences = want.flatMap((w, i) => (w.text === got[i]!.text ? [] : [{ label: w.label, mlflow: w.text, runlens: got[i]!.text }]));
  const unexpected = differences.filter((d) => DELIBERATE_DIFFERENCES[d.label] === undefined);
  assert.deepEqual(unexpected, [], `differences nobody chose:\n${unexpected.map((d) => `${d.label}\n  mlflow:  ${d.mlflow}\n  runlens: ${d.runlens}`).join('\n')}`);
  // A deliberate difference that went away must leave the list (and docs/mlflow.md) too.
  assert.deepEqual(differences.map((d) => d.label).sort(), Object.keys(DELIBERATE_DIFFERENCES).sort());

  // The transcript is what it should be, not only equal: spot checks of what both servers answered.
  const line = (label: string) => JSON.parse(got.find((l) => l.label === label)!.text) as unknown;
  assert.deepEqual(line('download non-ASCII artifact'), ['résumé-数据.txt', 'unicode name']);
  assert.deepEqual(line('runs DELETED_ONLY'), ['other']);
  assert.equal(line('version after delete'), '3');
  assert.ok((line('autolog run') as { inputs: unknown[] }).inputs.length > 0, 'autolog recorded its dataset');
  // And the store holds it as RunLens data: MLflow's datasets are dataset versions, the deleted model is gone.
  assert.ok(runlens.store.datasets.listDatasets().some((d) => d.path === 'toy'));
  assert.equal(runlens.store.registry.findModel('diff-model'), undefined);
});
