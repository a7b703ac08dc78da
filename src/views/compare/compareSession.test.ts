import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CompareData, HostToPage, SeriesPayload } from '../../protocol/compare';
import type { RunStore } from '../../store/runStore';
import { tempStore } from '../../store/testing/tempStore';
import type { MetricPoint } from '../../store/types';
import { LocalRunSource } from '../../tracking/localRunSource';
import { CompareSession } from './compareSession';

const SPIKE_STEP = 4321;
const SPIKE = 99;

/** `train_loss` over `n` steps (one spike), final `test_accuracy` at step 0. */
function logRun(store: RunStore, runId: string, n: number, accuracy: number, loss0 = 1): void {
  const pts: MetricPoint[] = [];
  for (let i = 0; i < n; i++) pts.push({ key: 'train_loss', step: i, value: i === SPIKE_STEP ? SPIKE : loss0 / (1 + i / 100), timestamp: 1_000 + i * 10 });
  store.logMetrics(runId, pts);
  store.logMetrics(runId, [{ key: 'test_accuracy', step: 0, value: accuracy }]);
}

function session(store: RunStore, points = 400, log: string[] = []): CompareSession {
  const source = new LocalRunSource(store);
  return new CompareSession({ sourceForRun: (id) => ({ source, runId: id }), pointsPerSeries: () => points, log: (m) => log.push(m) });
}

function dataOf(messages: HostToPage[]): CompareData {
  const m = messages.find((x) => x.type === 'data');
  assert.ok(m && m.type === 'data');
  return m.data;
}

function seriesOf(messages: HostToPage[], key: string): SeriesPayload[] {
  return messages.flatMap((m) => (m.type === 'series' && m.key === key ? m.series : []));
}

test('curves are downsampled on the host to pointsPerSeries and keep the spike', async (t) => {
  const { store } = tempStore(t);
  const a = store.createRun({ experiment: 'e', name: 'a' });
  const b = store.createRun({ experiment: 'e', name: 'b' });
  logRun(store, a.id, 10_000, 0.9);
  logRun(store, b.id, 300, 0.8);
  const s = session(store, 400);
  s.setRuns([a.id, b.id]);
  const messages = await s.initialMessages();
  assert.equal(messages[0].type, 'data');
  const data = dataOf(messages);
  assert.deepEqual(data.chartKeys, ['train_loss'], 'final-only test_accuracy is not charted');
  const [sa, sb] = seriesOf(messages, 'train_loss');
  assert.equal(sa.runId, a.id);
  assert.ok(sa.steps.length <= 400, `${sa.steps.length} points sent`);
  assert.ok(sa.steps.length >= 200, `only ${sa.steps.length} points sent`);
  assert.equal(sa.downsampled, true);
  assert.equal(sa.count, 10_000);
  assert.equal(sa.steps[sa.values.indexOf(SPIKE)], SPIKE_STEP, 'the spike survives');
  assert.equal(sa.t[0], 1_000 - data.runs[0].t0, 'timestamps relative to the run start');
  assert.equal(sb.steps.length, 300, 'a short series is sent whole');
  assert.equal(sb.downsampled, false);
  assert.deepEqual(s.summary(), { runs: 2, charts: ['train_loss'] });
});

test('the params table marks what differs and can show only that', async (t) => {
  const { store } = tempStore(t);
  const runs = ['a', 'b', 'c'].map((name) => store.createRun({ experiment: 'e', name }));
  store.logParams(runs[0].id, { model: 'tree', max_depth: 3, seed: 1 });
  store.logParams(runs[1].id, { model: 'tree', max_depth: 5, seed: 1 });
  store.logParams(runs[2].id, { model: 'tree', seed: 1 });
  runs.forEach((r, i) => logRun(store, r.id, 3, [0.9, 0.95, 0.7][i]));
  const s = session(store);
  s.setRuns(runs.map((r) => r.id));
  const { table } = dataOf(await s.initialMessages());
  const param = (key: string) => table.find((r) => r.group === 'param' && r.key === key);
  assert.deepEqual(param('max_depth'), { group: 'param', key: 'max_depth', values: ['3', '5', null], differs: true });
  assert.equal(param('model')?.differs, false);
  assert.equal(param('seed')?.differs, false);
  const md = await s.tableText('markdown', true);
  assert.match(md, /\| max\\_depth \| 3 \| 5 \| — \|/);
  assert.doesNotMatch(md, /\| model \|/, 'equal params hidden with only-differs');
  assert.match(await s.tableText('markdown', false), /\| model \| tree \| tree \| tree \|/);
  const csv = (await s.tableText('csv', true)).split('\r\n');
  assert.equal(csv[0], 'group,key,a,b,c');
  assert.ok(csv.includes('param,max_depth,3,5,'));
});

test('final metrics mark the best per row in the metric’s direction', async (t) => {
  const { store } = tempStore(t);
  const runs = ['a', 'b', 'c'].map((name) => store.createRun({ experiment: 'e', name }));
  runs.forEach((r, i) => logRun(store, r.id, 5, [0.9, 0.95, 0.7][i], [3, 2, 1][i]));
  const s = session(store);
  s.setRuns(runs.map((r) => r.id));
  const { table } = dataOf(await s.initialMessages());
  const acc = table.find((r) => r.key === 'test_accuracy');
  const loss = table.find((r) => r.key === 'train_loss');
  assert.deepEqual([acc?.direction, acc?.best, acc?.charted], ['max', [1], false]);
  assert.deepEqual([loss?.direction, loss?.best, loss?.charted], ['min', [2], true]);
  assert.match(await s.tableText('markdown', false), /\| test\\_accuracy \| 0\.9 \| \*\*0\.95\*\* \| 0\.7 \|/);
});

test('confusion matrices, importances and reports are read from artifacts; bad files are skipped', async (t) => {
  const { store } = tempStore(t);
  const a = store.createRun({ experiment: 'e', name: 'a' });
  const b = store.createRun({ experiment: 'e', name: 'b' });
  const cm = { split: 'test', labels: ['cat', 'dog'], matrix: [[5, 1], [2, 7]] };
  store.logArtifact(a.id, 'confusion_matrix.json', JSON.stringify(cm), 'confusion_matrix');
  store.logArtifact(a.id, 'feature_importances.json', JSON.stringify({ method: 'impurity', importances: [{ feature: 'x', importance: 0.2 }, { feature: 'y', importance: 0.8 }] }), 'feature_importances');
  store.logArtifact(a.id, 'classification_report.json', JSON.stringify({ split: 'test', labels: ['cat', 'dog'], report: { classes: [{ label: 'cat', precision: 0.7, recall: 0.8, f1: 0.75, support: 6 }] } }), 'classification_report');
  store.logArtifact(b.id, 'confusion_matrix.json', JSON.stringify({ labels: ['a', 'b'], matrix: [[1, 2]] }), 'confusion_matrix');
  const log: string[] = [];
  const s = session(store, 400, log);
  s.setRuns([a.id, b.id]);
  const data = dataOf(await s.initialMessages());
  assert.deepEqual(data.confusionMatrices, [{ runId: a.id, ...cm }]);
  assert.deepEqual(data.featureImportances[0].importances.map((i) => i.feature), ['y', 'x'], 'largest first');
  assert.equal(data.classReports[0].classes[0].f1, 0.75);
  assert.ok(log.some((l) => l.includes(b.id) && l.includes('not a valid')), 'the malformed matrix is logged');
});

test('a range request returns denser points inside the window only', async (t) => {
  const { store } = tempStore(t);
  const a = store.createRun({ experiment: 'e', name: 'a' });
  logRun(store, a.id, 10_000, 0.9);
  const s = session(store, 200);
  s.setRuns([a.id]);
  const overview = seriesOf(await s.initialMessages(), 'train_loss')[0];
  const m = await s.rangeMessage(7, 'train_loss', 4_500, 4_000);
  assert.equal(m.type, 'range');
  if (m.type !== 'range') return;
  assert.deepEqual([m.requestId, m.minStep, m.maxStep], [7, 4_000, 4_500]);
  const dense = m.series[0];
  assert.ok(dense.steps.every((x) => x >= 4_000 && x <= 4_500), 'no point outside the window');
  assert.ok(dense.steps.length <= 200);
  const overviewInside = overview.steps.filter((x) => x >= 4_000 && x <= 4_500).length;
  assert.ok(dense.steps.length > 5 * overviewInside, `${dense.steps.length} vs ${overviewInside} points in the window`);
  assert.ok(dense.values.includes(SPIKE), 'the spike is in the window');
});

test('live updates send only the series that grew, and nothing when nothing changed', async (t) => {
  const { store } = tempStore(t);
  const a = store.createRun({ experiment: 'e', name: 'a' });
  const b = store.createRun({ experiment: 'e', name: 'b' });
  logRun(store, a.id, 50, 0.9);
  logRun(store, b.id, 50, 0.8);
  const s = session(store);
  s.setRuns([a.id, b.id]);
  await s.initialMessages();
  assert.deepEqual(await s.liveMessages(), []);
  store.logMetrics(b.id, [{ key: 'train_loss', step: 50, value: 0.1 }]);
  const live = await s.liveMessages();
  const series = live.filter((m) => m.type === 'series');
  assert.equal(series.length, 1);
  assert.ok(series[0].type === 'series' && series[0].reason === 'live');
  assert.deepEqual(seriesOf(live, 'train_loss').map((x) => [x.runId, x.count]), [[b.id, 51]]);
  assert.ok(live.some((m) => m.type === 'data' && m.reason === 'update'), 'the latest value in the table changed');
  store.logMetrics(a.id, [{ key: 'val_loss', step: 0, value: 1 }, { key: 'val_loss', step: 1, value: 0.5 }]);
  const next = await s.liveMessages();
  assert.deepEqual(dataOf(next).chartKeys, ['train_loss', 'val_loss']);
  assert.ok(next.some((m) => m.type === 'series' && m.reason === 'init' && m.key === 'val_loss'), 'a new chart gets its series');
});

test('a run deleted from the store is reported missing, not fatal', async (t) => {
  const { store } = tempStore(t);
  const a = store.createRun({ experiment: 'e', name: 'a' });
  const b = store.createRun({ experiment: 'e', name: 'b' });
  const s = session(store);
  s.setRuns([a.id, b.id, a.id]);
  assert.deepEqual(s.runIds, [a.id, b.id], 'duplicates dropped');
  store.deleteRun(b.id);
  const data = dataOf(await s.initialMessages());
  assert.deepEqual(data.runs.map((r) => r.id), [a.id]);
  assert.deepEqual(data.missingRunIds, [b.id]);
});

test('colours stay with their run when others are removed and added', async (t) => {
  const { store } = tempStore(t);
  const [a, b, c] = ['a', 'b', 'c'].map((name) => store.createRun({ experiment: 'e', name }));
  const s = session(store);
  s.setRuns([a.id, b.id]);
  s.removeRun(a.id);
  s.addRuns([c.id]);
  const data = dataOf(await s.initialMessages());
  assert.deepEqual(data.runs.map((r) => [r.name, r.colorIndex]), [['b', 1], ['c', 0]]);
});
