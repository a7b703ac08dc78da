// The dataset-diff panel as a user meets it, in the real workbench
// (code-server 1.100), on a copy of test/integration/workspace:
// "RunLens: Diff Datasets…" from the palette → pick A, B and the key →
// the panel's summary counts and a highlighted modified cell (old → new),
// read inside the webview; markup in the data stays text. The exports through
// the save dialog (files checked on disk), and the panels after "Developer:
// Reload Window" (restored by the serializer; a deleted file is named, not
// waited for). Then the Datasets view after a training run: the data file,
// its version, "changed since last run" after an edit, and "Diff with
// Current File".
// run: RUNLENS_E2E_SKIP_INSTALL=1 node test/e2e/run.mjs ui:datasetDiff
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { answerSaveDialog, contextMenu, focusWorkbench, openViewContainer, pickRow, reloadWindow, runCommand, treeRow, until, viewTitleAction, waitForNotification, webviewFrame } from '../lib/ui.mjs';

export const timeoutMs = 120_000;

const IMG = '<img src=x onerror=alert(1)>';
const state = { folder: '' };

async function waitForTitle(page, text) {
  await page.locator('.quick-input-widget .quick-input-title', { hasText: text }).waitFor({ timeout: 15_000 });
}

/** The key-column pick (multi-select): tick `columns`, then OK. */
async function pickKey(page, columns) {
  await waitForTitle(page, 'Key columns');
  for (const c of columns) {
    const row = page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${c}\\s*$`) }) }).first();
    await row.locator('input[type="checkbox"], .monaco-checkbox, .quick-input-list-checkbox').first().click();
  }
  await page.locator('.quick-input-widget input').press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
}

/** @param {import('../lib/uiTests.mjs').UiContext} ctx */
export async function setup(ctx) {
  state.folder = ctx.workspace(join(ctx.root, 'test/integration/workspace'));
  await ctx.open({ folder: state.folder });
}

export const tests = {
  /** @param {import('../lib/uiTests.mjs').UiContext} ctx */
  'Diff Datasets… from the palette: summary counts and an old → new cell inside the webview': async ({ page, root, screenshot }) => {
    await runCommand(page, 'RunLens: Diff Datasets…', undefined, { opens: 'Diff Datasets (1/3)' });
    await pickRow(page, 'data/diff-a.csv');
    await waitForTitle(page, 'Diff Datasets (2/3)');
    await pickRow(page, 'data/diff-b.csv');
    await pickKey(page, ['id']);

    const frame = webviewFrame(page);
    const count = (id) => frame.locator(`[data-count="${id}"] .count-value`);
    await count('added').waitFor({ timeout: 30_000 });
    assert.equal((await count('added').innerText()).trim(), '1');
    assert.equal((await count('removed').innerText()).trim(), '1');
    assert.equal((await count('modified').innerText()).trim(), '2');
    assert.equal((await count('changedCells').innerText()).trim(), '2');

    // a modified cell shows old → new, highlighted
    const cell = frame.locator('td.cell-modified[data-column="petal_length"]').first();
    await cell.waitFor({ timeout: 15_000 });
    assert.equal((await cell.locator('.before').innerText()).trim(), '1.3');
    assert.equal((await cell.locator('.after').innerText()).trim(), '1.5');
    assert.match((await cell.innerText()).replace(/\s+/g, ' '), /^1\.3 → 1\.5$/);
    const outline = await cell.evaluate((el) => getComputedStyle(el).outlineStyle);
    assert.equal(outline, 'solid', 'the changed cell is highlighted');
    // added rows green, removed red: the rows carry their kind
    assert.equal(await frame.locator('tr.row-added').count(), 1);
    assert.equal(await frame.locator('tr.row-removed').count(), 1);

    // data that looks like markup stays text: the header and the changed value
    await frame.locator('.rows-head th', { hasText: IMG }).first().waitFor();
    const markupCell = frame.locator(`td.cell-modified[data-column="${IMG}"]`).first();
    assert.equal((await markupCell.locator('.after').innerText()).trim(), '<b>bold</b>');
    assert.equal(await frame.locator('img, b').count(), 0, 'no element was made from the data');

    // statistics and drift are there
    await frame.locator('.stats-table tr[data-column="petal_length"] .hist.side-a .bar').first().waitFor();
    assert.ok(await frame.locator('.drift-table tbody tr').count() >= 1);

    await screenshot('1-diff-panel');
    mkdirSync(join(root, 'media/screenshots'), { recursive: true });
    await page.screenshot({ path: join(root, 'media/screenshots/dataset-diff.png') });

    // "Open Markdown": the summary as an untitled Markdown document
    await frame.locator('vscode-button', { hasText: 'Open Markdown' }).click();
    await page.locator('.tabs-container .tab', { hasText: /Untitled-\d/ }).first().waitFor({ timeout: 15_000 });
    const lines = page.locator('.editor-instance .monaco-editor .view-lines').first();
    await until('the Markdown summary', async () => /1 row added, 1 removed, 2 modified/.test((await lines.innerText()).replace(/\u00a0/g, ' ')));
    await runCommand(page, 'View: Revert and Close Editor');
  },

  /** @param {import('../lib/uiTests.mjs').UiContext} ctx */
  'Export CSV… and Save Markdown… go through the save dialog and write the files': async ({ page }) => {
    const frame = webviewFrame(page);
    const csvFile = join(state.folder, 'exports-changed-cells.csv');
    const mdFile = join(state.folder, 'exports-summary.md');

    await frame.locator('vscode-button', { hasText: 'Export CSV…' }).click();
    const offered = await answerSaveDialog(page, csvFile);
    assert.equal(offered, join(state.folder, 'diff-a-vs-diff-b.diff.csv'), 'the dialog offers a name from both sides, in the workspace');
    await waitForNotification(page, 'Saved exports-changed-cells.csv');
    // one record per changed cell: the two modified cells, and each cell of the added and the removed row
    const records = readFileSync(csvFile, 'utf8').split('\r\n');
    assert.equal(records.pop(), '', 'CRLF after the last record');
    assert.equal(records[0], 'kind,id,column,before,after');
    assert.deepEqual(records.slice(1).sort(), [
      `added,5,${IMG},,e`, 'added,5,id,,5', 'added,5,petal_length,,1.6', 'added,5,species,,setosa',
      `modified,2,petal_length,1.3,1.5`, `modified,4,${IMG},d,<b>bold</b>`,
      `removed,3,${IMG},c,`, 'removed,3,id,3,', 'removed,3,petal_length,4.7,', 'removed,3,species,versicolor,',
    ].sort());

    await frame.locator('vscode-button', { hasText: 'Save Markdown…' }).click();
    assert.equal(await answerSaveDialog(page, mdFile), join(state.folder, 'diff-a-vs-diff-b.diff.md'));
    await waitForNotification(page, 'Saved exports-summary.md');
    const md = readFileSync(mdFile, 'utf8');
    assert.match(md, /1 row added, 1 removed, 2 modified \(2 cells\)/);
    assert.match(md, /\| rows added \| 1 \|\n\| rows removed \| 1 \|\n\| rows modified \| 2 \|\n\| cells changed \| 2 \|/);
    assert.match(md, /\| modified \| 2 \| setosa \| 1\.3 → \*\*1\.5\*\* \|/, 'the changed cell is listed, old → new');
    assert.ok(!md.includes(IMG), 'markup in a column name is escaped in Markdown');
    await focusWorkbench(page);
    await runCommand(page, 'Notifications: Clear All Notifications');
  },

  /** @param {import('../lib/uiTests.mjs').UiContext} ctx */
  '"Developer: Reload Window" brings both panels back: one diffed again from its saved refs and key, one saying its file is gone': async ({ page, screenshot }) => {
    // a second panel on a file that is then deleted: after the reload it must say so, not spin
    copyFileSync(join(state.folder, 'data/diff-a.csv'), join(state.folder, 'data/gone.csv'));
    await focusWorkbench(page);
    await runCommand(page, 'RunLens: Diff Datasets…', undefined, { opens: 'Diff Datasets (1/3)' });
    await pickRow(page, 'data/gone.csv');
    await waitForTitle(page, 'Diff Datasets (2/3)');
    await pickRow(page, 'data/diff-b.csv');
    await pickKey(page, ['id']);
    // the new panel's own page has diffed (and so saved its state), not the older panel's
    const tab = (text) => page.locator('.tabs-container .tab', { hasText: text }).first();
    await tab('gone.csv ↔ diff-b.csv').waitFor({ timeout: 15_000 });
    await until('the second panel\'s diff', async () => {
      const f = webviewFrame(page);
      return (await f.locator('.side[data-side="A"] .label').innerText({ timeout: 1_000 })) === 'data/gone.csv'
        && (await f.locator('[data-count="added"] .count-value').count()) === 1;
    }, 30_000);
    rmSync(join(state.folder, 'data/gone.csv'));

    await reloadWindow(page);
    // the active tab is the panel whose A is gone
    await tab('gone.csv ↔ diff-b.csv').waitFor({ timeout: 30_000 });
    let frame = webviewFrame(page);
    const alert = frame.locator('.banner.error');
    await alert.waitFor({ timeout: 30_000 });
    assert.match(await alert.innerText(), /^A: data\/gone\.csv is gone \(no such file: deleted or moved since the diff was opened\)/);
    assert.equal(await frame.locator('.banner.progress').count(), 0, 'not left loading');
    assert.equal(await frame.locator('vscode-button', { hasText: 'Export CSV…' }).isVisible(), false, 'nothing to export');
    assert.equal(await frame.locator('vscode-button', { hasText: 'Retry' }).isVisible(), true);
    assert.equal(await frame.locator('vscode-button', { hasText: 'Change key…' }).count(), 0, 'another key cannot bring a file back');
    assert.equal(await frame.locator('.side[data-side="A"] .label').innerText(), 'data/gone.csv', 'the saved refs are shown');
    await screenshot('restored-ref-gone');

    // the other panel diffs again when its tab is shown
    await tab('diff-a.csv ↔ diff-b.csv').click();
    frame = webviewFrame(page);
    const count = (id) => frame.locator(`[data-count="${id}"] .count-value`);
    await count('added').waitFor({ timeout: 30_000 });
    assert.deepEqual(
      await Promise.all(['added', 'removed', 'modified', 'changedCells'].map(async (id) => (await count(id).innerText()).trim())),
      ['1', '1', '2', '2'],
    );
    assert.match(await frame.locator('.key-line').innerText(), /Rows matched on key: id/, 'the key came back too');
    const cell = frame.locator('td.cell-modified[data-column="petal_length"]').first();
    await cell.waitFor({ timeout: 15_000 });
    assert.match((await cell.innerText()).replace(/\s+/g, ' '), /^1\.3 → 1\.5$/);
    assert.equal(await cell.evaluate((el) => getComputedStyle(el).outlineStyle), 'solid', 'the changed cell is highlighted');
    assert.equal(await frame.locator('.banner.progress').count(), 0, 'not left loading');
    await screenshot('restored-after-reload');
  },

  /** @param {import('../lib/uiTests.mjs').UiContext} ctx */
  'the Datasets view lists the data a run read, flags it once edited, and diffs a version with the file': async ({ page, screenshot }) => {
    await runCommand(page, 'View: Close All Editors');
    await runCommand(page, 'RunLens: Train Config…', undefined, { opens: 'Train Config' });
    await pickRow(page, 'iris.train.yaml');
    await waitForNotification(page, /RunLens: \S+ finished/, 90_000);

    await openViewContainer(page, 'RunLens');
    const file = treeRow(page, /data\/iris\.csv/, { view: 'Datasets' });
    await viewTitleAction(page, 'Datasets', 'Refresh Datasets').catch(() => undefined);
    await file.waitFor({ timeout: 20_000 });
    assert.match(await file.locator('.label-description').innerText(), /^1 version$/);
    if ((await file.getAttribute('aria-expanded')) !== 'true') await file.click();
    const version = treeRow(page, /150×5/, { view: 'Datasets' });
    await version.waitFor();
    assert.match(await version.locator('.label-description').innerText(), /^current · 150×5 · /);

    // the file changes on disk: the view says so after a refresh
    appendFileSync(join(state.folder, 'data/iris.csv'), '9.9,9.9,9.9,9.9,setosa\n');
    await viewTitleAction(page, 'Datasets', 'Refresh Datasets');
    await until('"changed since last run"', async () => /changed since last run/.test(await file.locator('.label-description').innerText()));
    await screenshot('2-datasets-view');

    await contextMenu(page, treeRow(page, /150×5/, { view: 'Datasets' }), 'Diff with Current File');
    await pickKey(page, []);
    const frame = webviewFrame(page);
    await frame.locator('[data-count="added"] .count-value').waitFor({ timeout: 30_000 });
    assert.equal((await frame.locator('[data-count="added"] .count-value').innerText()).trim(), '1');
    assert.equal((await frame.locator('[data-count="removed"] .count-value').innerText()).trim(), '0');
    await screenshot('3-version-vs-current');
  },

  /** @param {import('../lib/uiTests.mjs').UiContext} ctx */
  'training on the edited file adds a version; two versions diff from the view, and the compare panel offers "view diff"': async ({ page, screenshot }) => {
    await runCommand(page, 'View: Close All Editors');
    await runCommand(page, 'Notifications: Clear All Notifications');
    await runCommand(page, 'RunLens: Train Config…', undefined, { opens: 'Train Config' });
    await pickRow(page, 'iris.train.yaml');
    await waitForNotification(page, /RunLens: \S+ finished/, 90_000);

    const file = treeRow(page, /data\/iris\.csv/, { view: 'Datasets' });
    await until('two versions, no longer "changed"', async () => /^2 versions$/.test(await file.locator('.label-description').innerText()));
    const versions = page.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: 'Datasets' }) })
      .locator('.monaco-list-row[aria-level="2"]');
    await until('both version rows', async () => (await versions.count()) === 2);
    assert.match(await versions.nth(0).locator('.label-description').innerText(), /^current · 151×5 · /, 'newest first');
    await versions.nth(0).click();
    await versions.nth(1).click({ modifiers: ['Control'] });
    await contextMenu(page, versions.nth(1), 'Diff Selected Versions');
    await pickKey(page, []);
    let frame = webviewFrame(page);
    await frame.locator('[data-count="added"] .count-value').waitFor({ timeout: 30_000 });
    assert.equal((await frame.locator('[data-count="added"] .count-value').innerText()).trim(), '1', 'old version → new version: the appended row');
    assert.equal((await frame.locator('[data-count="removed"] .count-value').innerText()).trim(), '0');

    // the two runs read different versions: the compare panel says so and opens the diff
    await runCommand(page, 'View: Close All Editors');
    // with everything folded both runs are in view; a click on the older (lower) run
    // unfolds it below, so the newer one stays where it is for the Ctrl+click
    const runs = page.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: 'Runs' }) });
    await runs.locator('.pane-header').hover();
    await runs.locator('.pane-header .action-label[aria-label^="Collapse All"]').click();
    const experiment = runs.locator('.monaco-list-row', { hasText: /^iris/ }).first();
    const runRows = runs.locator('.monaco-list-row[aria-level="2"]');
    // The row is redrawn when the store changes (the second run's last writes land after its
    // notification): expand it once it counts both runs, and again if a redraw folded it.
    let seen = '';
    await until('the experiment row with both runs, expanded', async () => {
      seen = `${await experiment.innerText()} (expanded: ${await experiment.getAttribute('aria-expanded')}, run rows: ${await runRows.count()})`;
      if (!/2 runs/.test(await experiment.locator('.label-description').innerText())) return false;
      if ((await experiment.getAttribute('aria-expanded')) !== 'true') {
        await experiment.click();
        return false;
      }
      return (await runRows.count()) === 2;
    }).catch((e) => assert.fail(`${e.message}; the row: ${seen}`));
    await runRows.nth(1).click();
    await runRows.nth(0).click({ modifiers: ['Control'] });
    await until('both runs selected', async () => (await runs.locator('.monaco-list-row[aria-level="2"].selected').count()) === 2);
    await contextMenu(page, runRows.nth(0), 'Compare Selected Runs');
    frame = webviewFrame(page);
    const banner = frame.locator('.banner.data-change').first();
    await banner.waitFor({ timeout: 30_000 });
    assert.match(await banner.innerText(), /Data changed: \w+ data data\/iris\.csv differs between/);
    await screenshot('4-compare-data-changed');
    await banner.locator('vscode-button').click();
    frame = webviewFrame(page);
    await until('the diff panel opened from the compare panel', async () => (await frame.locator('[data-count="added"] .count-value').count()) > 0, 30_000);
    // A is the older run's data: the appended row is added
    assert.equal((await frame.locator('[data-count="added"] .count-value').innerText()).trim(), '1');
    assert.equal((await frame.locator('[data-count="removed"] .count-value').innerText()).trim(), '0');
    await screenshot('5-diff-from-compare');
  },
};
