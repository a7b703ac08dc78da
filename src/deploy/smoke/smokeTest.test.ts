/**
 * The smoke test end to end under Node: a real registered iris model, its
 * build context written with a freshly bundled server, that server started
 * from the context's files as a child process, real rows of examples/data/
 * iris.csv over real HTTP, predictions next to the labels.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fingerprintFile } from '../../core/data/fingerprint';
import { writeBuildContext } from '../build/buildContext';
import { bundleServer, isolatedDir, registeredIris } from '../build/testing/buildFixtures';
import type { RegisteredFixture } from '../build/testing/buildFixtures';
import { startContextServer } from './contextServer';
import { predictionMatches, sampleRows, scoreSample, smokeDataset } from './smokeSample';
import { runSmokeTest } from './smokeTest';

const IRIS = join(__dirname, '..', '..', '..', 'examples', 'data', 'iris.csv');
let fx: RegisteredFixture;
const bundle = isolatedDir('runlens-smoke-bundle-');
let server: string;

before(async () => {
  fx = await registeredIris();
  server = await bundleServer(bundle.dir);
});
after(() => {
  fx.cleanup();
  bundle.cleanup();
});

test('samples rows evenly over the file, so a file sorted by label still shows every label', async () => {
  const s = await sampleRows(IRIS, 'data/iris.csv', fx.resolved.pkg.inputColumns, 'species', 15);
  assert.equal(s.data.length, 15);
  assert.deepEqual(s.columns, fx.resolved.pkg.inputColumns);
  assert.deepEqual(new Set(s.expected), new Set(['setosa', 'versicolor', 'virginica']));
  assert.equal(s.lines[0], 2, 'the first data row is line 2, under the header');
  assert.ok(s.data.every((r) => r.every((v) => typeof v === 'number')));
});

test('a data file without a column the model needs is refused naming the column and the file', async () => {
  const file = join(fx.dir, 'no-petal.csv');
  writeFileSync(file, 'sepal_length,sepal_width,species\n5.1,3.5,setosa\n');
  await assert.rejects(sampleRows(file, 'no-petal.csv', fx.resolved.pkg.inputColumns, 'species'), /no-petal\.csv has no column "petal_length", "petal_width"/);
});

test('matching: same class (numbers read from CSV as text too); regression within 10%', () => {
  assert.equal(predictionMatches('classification', 'setosa', 'setosa'), true);
  assert.equal(predictionMatches('classification', 'setosa', 'virginica'), false);
  assert.equal(predictionMatches('classification', '1', 1), true);
  assert.equal(predictionMatches('classification', '1', 0), false);
  assert.equal(predictionMatches('regression', '100', 109), true);
  assert.equal(predictionMatches('regression', '100', 111), false);
  assert.equal(predictionMatches('regression', '100', 'x'), false);
});

test('the server from the build context\'s files answers the sample; the tree matches almost every label', async () => {
  const ctx = writeBuildContext(fx.resolved, { buildsDir: join(fx.dir, '.runlens', 'builds'), serverBundle: server });
  const running = await startContextServer(ctx.dir, process.execPath);
  try {
    assert.match(running.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(running.command, 'node server/serve.js model/model.json --port 0 --host 127.0.0.1');
    const sample = await sampleRows(IRIS, 'data/iris.csv', fx.resolved.pkg.inputColumns, 'species', 30);
    const rows = await scoreSample(running.url, sample, 'classification');
    assert.equal(rows.length, 30);
    const matches = rows.filter((r) => r.match).length;
    // A depth-4 tree fits iris to ~97% on its training rows: a wrong column order or preprocessing would not.
    assert.ok(matches >= 27, `only ${matches}/30 matched: ${JSON.stringify(rows)}`);
    assert.ok(rows.every((r) => ['setosa', 'versicolor', 'virginica'].includes(r.predicted)));
    // a bad sample gets the server's own 400 message, in one line
    await assert.rejects(scoreSample(running.url, { ...sample, columns: ['sepal_length'], data: sample.data.map((r) => r.slice(0, 1)) }, 'classification'),
      (e: Error) => /answered 400/.test(e.message) && /petal_length/.test(e.message) && !e.message.includes('\n'));
  } finally {
    await running.stop();
  }
  await assert.rejects(fetch(`${running.url}/ping`), 'stopped');
});

test('a context without the server is refused before anything starts', async () => {
  await assert.rejects(async () => startContextServer(join(fx.dir, 'nowhere'), process.execPath), /lacks .*server\/serve\.js; build it again/);
});

test('runSmokeTest: a registered version whose run read data/iris.csv, its context written, its rows scored', async () => {
  mkdirSync(join(fx.dir, 'data'), { recursive: true });
  copyFileSync(IRIS, join(fx.dir, 'data', 'iris.csv'));
  const fingerprint = await fingerprintFile(join(fx.dir, 'data', 'iris.csv'));
  const runId = fx.resolved.runId;
  fx.store.datasets.logInput(runId, { fingerprint, path: 'data/iris.csv', rows: 150, columns: 5 }, 'train');
  // The same run under another name: a version copies the run's datasets when registered.
  const v = fx.store.registry.registerModel(runId, 'iris-smoke');
  assert.deepEqual(v.datasets.map((d) => d.path), ['data/iris.csv']);
  const view = await runSmokeTest({ store: fx.store, root: fx.dir, ref: 'iris-smoke:1', buildsDir: join(fx.dir, '.runlens', 'builds'), execPath: process.execPath, rows: 12 });
  assert.equal(view.rows.length, 12);
  assert.equal(view.matches, view.rows.filter((r) => r.match).length);
  assert.ok(view.matches >= 11, JSON.stringify(view.rows));
  assert.match(view.source, /^data\/iris\.csv \(the run's training data: it recorded no separate test file\)$/);
  assert.equal(view.task, 'classification');
  // no image was built: the context's files answered, and the view says so and why
  assert.equal(view.target, 'context');
  assert.equal(view.image, null);
  assert.match(view.how, /^node server\/serve\.js model\/model\.json .* in \S*iris-smoke-1 \(the image's own files, on this machine's Node: no image has been built for this version yet/);
  // asked for the image, it is refused with the same reason, before any server starts
  await assert.rejects(runSmokeTest({ store: fx.store, root: fx.dir, ref: 'iris-smoke:1', buildsDir: join(fx.dir, '.runlens', 'builds'), execPath: process.execPath, target: 'image' }),
    /^UserError: cannot smoke-test the image of iris-smoke:1: no image has been built for this version yet/);
});

test('smokeDataset prefers the test file and refuses a run without data', () => {
  const train = { role: 'train', fingerprint: 'a'.repeat(64), path: 'train.csv' };
  const testFile = { role: 'test', fingerprint: 'b'.repeat(64), path: 'test.csv' };
  assert.equal(smokeDataset([train, testFile]).path, 'test.csv');
  assert.equal(smokeDataset([train]).path, 'train.csv');
  assert.throws(() => smokeDataset([]), /recorded no dataset/);
});
