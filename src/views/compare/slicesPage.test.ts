/**
 * The compare page's Slices section (#18.2) in Debian's Chromium under the
 * host's CSP: runs from a real store whose slices.json comes from the real
 * slice code, read by the real CompareSession.
 */
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Frame } from '../../core/data/frame';
import { groupRows } from '../../core/evaluation/slices/sliceGroups';
import { sliceReport } from '../../core/evaluation/slices/sliceReport';
import { tempStore } from '../../store/testing/tempStore';
import { LocalRunSource } from '../../tracking/localRunSource';
import { CompareSession } from './compareSession';
import type { PageHarness } from './testing/pageHarness';
import { CHROMIUM_SKIP, openComparePage, until } from './testing/pageHarness';

const EVIL = '<img src=x onerror=alert(1)>';
const skip = CHROMIUM_SKIP;

let harness: PageHarness;
before(async () => {
  if (!skip) harness = await openComparePage();
});
after(async () => {
  await harness?.close();
});


/** 40 rows: group F (30 rows, 20 predicted positive), M (6 rows), and a hostile group name (4 rows). */
function report(flip: number) {
  const groups = [...Array<string>(30).fill('F'), ...Array<string>(6).fill('M'), ...Array<string>(4).fill(EVIL)];
  const frame: Frame = { columns: [{ name: 'sex', type: 'categorical', values: groups }], rows: groups.length };
  const yTrue = groups.map((_, i) => (i % 2 === 0 ? 1 : 0));
  const yPred = groups.map((g, i) => (g === 'F' ? (i < 20 ? 1 : 0) : i % flip === 0 ? 1 : 0));
  return sliceReport([groupRows(frame, { column: 'sex' }, true)], { task: 'classification', nClasses: 2, positiveIndex: 1, positiveLabel: 'yes', yTrue, yPred });
}

test('the Slices section shows a bar per group per metric, the gap ends marked, small groups flagged, data as text', { skip, timeout: 60_000 }, async (t) => {
  const { page } = harness;
  await until('ready', async () => (await harness.posted())[0]?.type === 'ready');
  const { store } = tempStore(t);
  const runs = ['fair-model', EVIL].map((name) => store.createRun({ experiment: 'loans', name }));
  const reports = [report(2), report(3)];
  runs.forEach((r, i) => store.logArtifact(r.id, 'slices.json', JSON.stringify(reports[i]), 'slices'));
  const plain = store.createRun({ experiment: 'loans', name: 'no-slices' });
  const source = new LocalRunSource(store);
  const session = new CompareSession({ sourceForRun: (id) => ({ source, runId: id }), pointsPerSeries: () => 400, log: () => {} });
  session.setRuns([...runs.map((r) => r.id), plain.id]);
  await harness.send(await session.initialMessages());

  const section = page.locator('[data-section="slices"]');
  await until('slice cards', async () => (await section.locator('.slice-card').count()) === 2);
  assert.equal(await section.isVisible(), true);
  const card = section.locator('.slice-card').first();
  assert.deepEqual(await card.locator('tbody tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.group ?? 'gap')), [EVIL, 'F', 'M', 'gap'], 'groups sorted as text');
  // One bar per group per metric: 3 groups × 6 metrics.
  assert.equal(await card.locator('.slice-bar').count(), 18);
  // F: 20 of 30 predicted positive -> selection rate 2/3, drawn as 66.67% of the track.
  const fSelection = card.locator('tr[data-group="F"] td.slice-cell').nth(3);
  assert.equal((await fSelection.locator('.slice-value').textContent())?.trim(), '0.6667');
  const width = await fSelection.locator('.slice-bar').evaluate((b) => (b as HTMLElement).style.width);
  assert.ok(Math.abs(parseFloat(width) - 200 / 3) < 1e-3, width); // CSSOM keeps 6 digits
  // Small groups say so; the group of 30 does not.
  assert.equal(await card.locator('tr[data-group="F"] .small-group').count(), 0);
  assert.equal((await card.locator('tr[data-group="M"] .small-group').textContent()), 'small group: unreliable');
  // The ends of the selection-rate gap are marked, and the gap row holds max − min.
  const col = reports[0].columns[0];
  const rates = col.groups.map((g) => g.metrics.selection_rate);
  const maxGroup = col.groups[rates.indexOf(Math.max(...rates))].group;
  const maxCell = card.locator(`tbody tr`).nth(col.groups.findIndex((g) => g.group === maxGroup)).locator('td.slice-cell').nth(3);
  assert.match((await maxCell.getAttribute('class')) ?? '', /\bgap-max\b/);
  assert.equal(await card.locator('td.slice-cell.gap-min').count() >= 1, true);
  const gapCell = card.locator('tr.gap-row td.slice-gap').nth(3);
  assert.equal((await gapCell.textContent())?.trim(), (Math.max(...rates) - Math.min(...rates)).toFixed(4));
  // The logged disparities, by the names a gate uses.
  assert.equal((await card.locator('[data-metric="slice_sex_demographic_parity_difference"]').textContent()),
    `slice_sex_demographic_parity_difference = ${col.disparities.demographic_parity_difference.toFixed(4)}`);
  // A hostile run name and group name are text: no element made of them.
  assert.equal(await page.locator('img').count(), 0);
  assert.ok((await section.getByText(EVIL, { exact: true }).count()) >= 3, 'the group in both cards and the run name');

  const shot = path.join(os.tmpdir(), 'runlens-compare-slices.png');
  await section.screenshot({ path: shot });
  t.diagnostic(`screenshot: ${shot}`);

  // A comparison without slices hides the section.
  session.setRuns([plain.id]);
  await harness.send(await session.initialMessages());
  await until('section hidden', async () => !(await section.isVisible()));

  assert.deepEqual(await harness.violations(), [], 'no CSP violation');
  assert.deepEqual(harness.errors, [], 'no page errors');
});
