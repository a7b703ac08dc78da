import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CompareRun, TableRow } from '../../protocol/compare';
import { parseConfusionMatrix, parseFeatureImportances } from './artifactViews';
import { axisScale, normalizeOnAxis } from './axisValues';
import { renderCompareHtml } from './compareHtml';
import { bestIndices, metricDirection } from './metricDirection';
import { DEFAULT_PAGE_STATE, sanitizePageState } from './pageState';
import { mergeWindow } from './seriesWindow';
import { emaSmooth } from './smoothing';
import { csvField, markdownCell, tableToCsv } from './tableExport';

const EVIL = '<img src=x onerror=alert(1)>';

test('EMA smoothing is debiased like TensorBoard (hand-computed)', () => {
  // w = 0.5: acc 0.5, 1.25, 2.125; debias 0.5, 0.75, 0.875
  const s = emaSmooth([1, 2, 3], 0.5);
  assert.equal(s[0], 1);
  assert.ok(Math.abs((s[1] as number) - 5 / 3) < 1e-12);
  assert.ok(Math.abs((s[2] as number) - 2.125 / 0.875) < 1e-12);
  // w = 0.9: acc 1, then 0.9·1 + 0.1·0 = 0.9; debias 0.1, then 0.19
  const t = emaSmooth([10, 0], 0.9);
  assert.ok(Math.abs((t[0] as number) - 10) < 1e-12);
  assert.ok(Math.abs((t[1] as number) - 0.9 / 0.19) < 1e-12);
  assert.deepEqual(emaSmooth([1, 2, 3], 0), [1, 2, 3], 'weight 0 leaves data alone');
  assert.deepEqual(emaSmooth([4, 4, 4], 0.9), [4, 4, 4], 'constant stays constant');
});

test('EMA smoothing passes gaps through without feeding them into the average', () => {
  const s = emaSmooth([2, null, 4], 0.5);
  assert.equal(s[1], null);
  // acc: 1, then 0.5 + 2 = 2.5; n = 2 → 2.5 / 0.75
  assert.ok(Math.abs((s[2] as number) - 2.5 / 0.75) < 1e-12);
});

test('metric direction: higher for scores, lower for losses and errors', () => {
  for (const k of ['test_accuracy', 'val_f1', 'f1_macro', 'precision', 'test_recall', 'r2', 'test_r2', 'roc_auc', 'valAuc', 'balanced_accuracy']) {
    assert.equal(metricDirection(k), 'max', k);
  }
  for (const k of ['train_loss', 'val_loss', 'test_mse', 'rmse', 'mae', 'test_error', 'mean_squared_error', 'f1_loss', 'logLoss']) {
    assert.equal(metricDirection(k), 'min', k);
  }
  assert.equal(metricDirection('neg_mean_squared_error'), 'max', 'scikit-learn scorers negate errors');
  for (const k of ['slice_sex_accuracy_gap', 'slice_age_demographic_parity_difference', 'slice_sex_equalized_odds_difference']) {
    assert.equal(metricDirection(k), 'min', `${k}: a gap between groups is better small`);
  }
  assert.equal(metricDirection('epoch'), undefined);
  assert.equal(metricDirection('lossless_ratio'), undefined, 'whole words only');
});

test('bestIndices keeps ties and ignores missing and non-finite values', () => {
  assert.deepEqual(bestIndices([0.9, null, 0.95, 0.95, NaN], 'max'), [2, 3]);
  assert.deepEqual(bestIndices([0.3, 0.1, undefined, Infinity], 'min'), [1]);
  assert.deepEqual(bestIndices([1, 2], undefined), []);
  assert.deepEqual(bestIndices([null, NaN], 'max'), []);
});

test('CSV fields are quoted and guarded against formula injection; markdown cells escaped', () => {
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
  assert.equal(csvField('-0.5'), '-0.5', 'negative numbers stay numbers');
  assert.equal(csvField('@sum'), "'@sum");
  assert.equal(markdownCell(`a|b ${EVIL}\nz`), 'a\\|b &lt;img src=x onerror=alert(1)&gt; z');
  const runs: CompareRun[] = [{ id: 'r1', name: EVIL, experiment: 'e', status: 'finished', t0: 0, colorIndex: 0 }];
  const rows: TableRow[] = [{ group: 'param', key: 'k,1', values: ['line\nbreak'], differs: false }];
  assert.equal(tableToCsv(runs, rows, false), `group,key,${EVIL}\r\nparam,"k,1","line\nbreak"\r\n`);
});

test('axis scales: numeric when every value parses, else categorical sorted naturally', () => {
  const n = axisScale(['0.1', null, '1e-3', '2']);
  assert.equal(n.kind, 'numeric');
  assert.deepEqual(n.values, [0.1, null, 0.001, 2]);
  assert.equal(normalizeOnAxis(n, 2), 1);
  const c = axisScale(['tree', 'mlp', null, 'tree']);
  assert.equal(c.kind, 'categorical');
  assert.deepEqual(c.kind === 'categorical' && c.categories, ['mlp', 'tree']);
  assert.deepEqual(c.values, [1, 0, null, 1]);
  assert.equal(normalizeOnAxis(c, 1), 1);
  const natural = axisScale(['a10', 'a2']);
  assert.deepEqual(natural.kind === 'categorical' && natural.categories, ['a2', 'a10']);
  assert.equal(normalizeOnAxis(axisScale(['3', '3']), 3), 0.5);
});

test('mergeWindow swaps the overview points inside the window for the dense ones', () => {
  const overview = { steps: [0, 10, 20, 30, 40], values: [0, 1, 2, 3, 4], t: [0, 1, 2, 3, 4] };
  const dense = { steps: [5, 10, 11, 12, 20, 25, 31], values: [9, 9, 9, 9, 9, 9, 9], t: [0, 0, 0, 0, 0, 0, 0] };
  const m = mergeWindow(overview, dense, 10, 20);
  assert.deepEqual(m.steps, [0, 10, 11, 12, 20, 30, 40]);
  assert.deepEqual(m.values, [0, 9, 9, 9, 9, 3, 4]);
});

test('artifact validators drop malformed data', () => {
  assert.equal(parseConfusionMatrix('r', { labels: ['a', 'b'], matrix: [[1, 2], [3]] }), undefined);
  assert.equal(parseConfusionMatrix('r', { labels: ['a'], matrix: [['x']] }), undefined);
  assert.deepEqual(parseConfusionMatrix('r', { labels: [1, 2], matrix: [[1, 0], [0, 1]] })?.labels, ['1', '2']);
  assert.equal(parseFeatureImportances('r', { importances: [{ feature: 'x', importance: 'big' }] }), undefined);
});

test('the page HTML (policy: webviewHtml.test.ts) links the compare stylesheet and escapes what it interpolates', () => {
  const html = renderCompareHtml({ cspSource: 'https://x', nonce: 'n"1', scriptUri: 'https://x/a.js?"><script>', styleUri: 'https://x/s.css', codiconsUri: 'https://x/c.css' });
  assert.doesNotMatch(html, /"><script>/);
  assert.match(html, /<script nonce="n&quot;1" src="https:\/\/x\/a\.js\?&quot;&gt;&lt;script&gt;"><\/script>/);
  assert.equal((html.match(/<script/g) ?? []).length, 1, 'one script, no inline code');
  assert.match(html, /<link rel="stylesheet" href="https:\/\/x\/s\.css" nonce="n&quot;1">/);
  assert.match(html, /<title>Compare runs<\/title>/);
});

test('restored page state is sanitised field by field', () => {
  const id = 'a'.repeat(32);
  const s = sanitizePageState({ runIds: [id, 'nope', id, 3], xAxis: 'sideways', smoothing: 5, logScale: 'yes', hiddenRunIds: [id], scatterX: 'param:lr' });
  assert.deepEqual(s.runIds, [id]);
  assert.equal(s.xAxis, 'step');
  assert.equal(s.smoothing, 0.999);
  assert.equal(s.logScale, false);
  assert.equal(s.scatterX, 'param:lr');
  assert.deepEqual(sanitizePageState(undefined), DEFAULT_PAGE_STATE);
});
