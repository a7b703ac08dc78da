/**
 * The compare page's System section in real Chromium (the page harness):
 * system series get their own section, against time, and stay out of the
 * metric curves; their summaries are table rows.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SYSTEM_METRICS as M } from '../../core/metrics/systemMetricNames';
import { tempStore } from '../../store/testing/tempStore';
import type { MetricPoint } from '../../store/types';
import { LocalRunSource } from '../../tracking/localRunSource';
import { CompareSession } from './compareSession';
import type { PageHarness } from './testing/pageHarness';
import { CHROMIUM_SKIP, openComparePage, until } from './testing/pageHarness';

const skip = CHROMIUM_SKIP;

let harness: PageHarness;
before(async () => {
  if (!skip) harness = await openComparePage();
});
after(async () => {
  await harness?.close();
});


test('system series are charted in the System section against time; their summaries are table rows', { skip, timeout: 30_000 }, async (t) => {
  const { page } = harness;
  await until('ready', async () => (await harness.posted())[0]);
  const { store } = tempStore(t);
  const runs = ['small', 'large'].map((name) => store.createRun({ experiment: 'sys', name }));
  runs.forEach((r, k) => {
    const points: MetricPoint[] = [];
    for (let i = 0; i < 2000; i++) {
      const timestamp = 1e12 + i * 5000;
      points.push({ key: 'loss', step: i, value: 1 / (1 + i), timestamp });
      points.push({ key: M.processMemory, step: i, value: 100 * (k + 1) + (i % 50), timestamp });
      points.push({ key: M.processCpu, step: i, value: 90 + (i % 7), timestamp });
    }
    store.logMetrics(r.id, points);
    store.logMetrics(r.id, [{ key: M.peakMemory, step: 0, value: 149 + 100 * k }, { key: M.meanCpu, step: 0, value: 93 }]);
  });
  const source = new LocalRunSource(store);
  const session = new CompareSession({ sourceForRun: (id) => ({ source, runId: id }), pointsPerSeries: () => 200, log: () => {} });
  session.setRuns(runs.map((r) => r.id));
  const messages = await session.initialMessages();
  await harness.send(messages);

  const cards = (section: string) => page.$$eval(`[data-section="${section}"] .chart-card`, (els) => els.map((e) => (e as HTMLElement).dataset.key));
  await until('the system charts', async () => (await cards('system')).length === 2);
  assert.deepEqual(await cards('system'), [M.processCpu, M.processMemory], 'process CPU first, then memory');
  assert.deepEqual(await cards('curves'), ['loss'], 'the metric curves hold only the run\'s own metrics');
  await until('system charts drawn', async () => (await page.locator('[data-section="system"] .chart-card[data-drawn]').count()) === 2);
  assert.deepEqual(await page.$$eval('[data-section="system"] .chart-card', (els) => els.map((e) => (e as HTMLElement).dataset.xAxis)), ['relative', 'relative'], 'time since start, while the curves are by step');
  assert.equal(await page.locator('[data-section="curves"] .chart-card').first().getAttribute('data-x-axis'), 'step');

  // The host sent min/max buckets, not 2000 points per series.
  const memory = messages.find((m) => m.type === 'series' && m.key === M.processMemory);
  assert.ok(memory && memory.type === 'series' && memory.series.every((s) => s.downsampled && s.steps.length <= 400));

  assert.equal(await page.locator(`tr[data-group="metric"][data-key="${M.peakMemory}"]`).count(), 1, 'peak memory is a table row');
  assert.equal(await page.locator(`tr[data-group="metric"][data-key="${M.processMemory}"]`).count(), 0, 'the sampled series is not');
  assert.deepEqual(await harness.violations(), [], 'no CSP violation');
  assert.deepEqual(harness.errors, [], 'no page errors');
});
