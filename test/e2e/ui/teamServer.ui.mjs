// The team's MLflow server in the editor (issue #13): a real `mlflow server`
// 2.12 with runs logged by MLflow's Python client, named in the workspace's
// `runlens.trackingServers`; a local run logged by RunLens's Python helper.
// In order: the server's experiments and runs in the Runs view → a filter
// with `or` on the server → a remote and a local run in one compare panel,
// curves drawn → Push to Team Server… and the server has the run (checked
// with MLflow's client).
// run: node esbuild.mjs && RUNLENS_MLFLOW_PYTHONPATH=/root/.cache/mlflow-2.12 RUNLENS_E2E_SKIP_INSTALL=1 node test/e2e/run.mjs ui:teamServer
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';
import {
  contextMenu, expectCount, openViewContainer, runCommand, setPaneExpanded, until, waitForNotification, webviewFrame,
} from '../lib/ui.mjs';

export const timeoutMs = 90_000;

const LOG_REMOTE = `
import sys, time, mlflow
from mlflow.entities import Metric
mlflow.set_tracking_uri(sys.argv[1])
mlflow.set_experiment("team-vision")
for name, lr, acc in [("remote-a", "0.1", 0.97), ("remote-b", "0.01", 0.6), ("remote-c", "0.5", 0.7)]:
    with mlflow.start_run(run_name=name) as run:
        mlflow.log_param("lr", lr)
        now = int(time.time() * 1000)
        mlflow.MlflowClient().log_batch(run.info.run_id, metrics=[Metric("loss", 2.0 / (1 + s / 5), now + s, s) for s in range(40)])
        mlflow.log_metric("test_accuracy", acc)
        if name == "remote-a":
            mlflow.log_metric("system/cpu_utilization_percentage", 12.5)  # as MLflow's own system metrics name it
    time.sleep(0.02)
`;

const LOG_LOCAL = `
import sys, runlens
with runlens.start_run(experiment="local-exp", name="local-mlp", store=sys.argv[1]):
    runlens.log_params({"lr": "0.05"})
    for s in range(30):
        runlens.log_metric("loss", 1.5 / (1 + s / 3), step=s)
    runlens.log_metric("test_accuracy", 0.88)
`;

const state = { server: /** @type {any} */ (null), folder: '', mlflow: /** @type {any} */ (null) };

/** A Runs-view row by its exact label. */
function row(page, name) {
  const pane = page.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: 'Runs' }) });
  return pane.locator('.monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) }) }).first();
}

async function expand(r) {
  await r.waitFor();
  if ((await r.getAttribute('aria-expanded')) !== 'true') await r.locator('.monaco-tl-twistie').click();
  // a click that landed while the row was being re-rendered (a refresh on a loaded machine) is lost: click once more
  const expanded = async () => (await r.getAttribute('aria-expanded')) === 'true';
  if (!(await until('the row expanded', expanded, 10_000).catch(() => false))) {
    await r.locator('.monaco-tl-twistie').click();
    await until('the row expanded (second click)', expanded, 20_000);
  }
}

/** @param {import('../lib/uiTests.mjs').UiContext} ctx */
export async function setup(ctx) {
  state.mlflow = await tsImport('../../../src/tracking/testing/realMlflow.ts', import.meta.url);
  state.server = await state.mlflow.startMlflowServer();
  const remote = await state.mlflow.runMlflowPython(LOG_REMOTE, { args: [state.server.uri] });
  assert.equal(remote.code, 0, remote.stderr);
  const folder = ctx.workspace();
  state.folder = folder;
  // no system metrics: the push's point count below is the script's own
  const local = spawnSync('python3', ['-c', LOG_LOCAL, join(folder, '.runlens')], { env: { ...process.env, PYTHONPATH: join(ctx.root, 'python'), RUNLENS_SYSTEM_METRICS: '0' }, encoding: 'utf8' });
  assert.equal(local.status, 0, local.stderr);
  mkdirSync(join(folder, '.vscode'), { recursive: true });
  writeFileSync(join(folder, '.vscode', 'settings.json'), JSON.stringify({ 'runlens.trackingServers': [{ name: 'team', uri: state.server.uri }] }, null, 2));
  await ctx.open({ folder });
}

export async function teardown() {
  await state.server?.dispose();
}

export const tests = {
  /** @param {import('../lib/uiTests.mjs').UiContext} ctx */
  'the server is a root beside the workspace folder; its experiments and runs list newest first': async ({ page, screenshot }) => {
    await openViewContainer(page, 'RunLens');
    // rows outside the viewport are not rendered: give the Runs view the height
    await setPaneExpanded(page, 'Datasets', false);
    await setPaneExpanded(page, 'Models', false);
    const server = row(page, 'team');
    await server.waitFor({ timeout: 45_000 });
    assert.match(await server.locator('.label-description').innerText(), new RegExp(state.server.uri.replace(/[.:/]/g, '\\$&')));
    await expand(server);
    const exp = row(page, 'team-vision');
    await exp.waitFor();
    await expand(exp);
    await row(page, 'remote-a').waitFor();
    const names = await until('the three remote runs', async () => {
      const pane = page.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: 'Runs' }) });
      const labels = (await pane.locator('.monaco-list-row[aria-level="3"] .label-name').allInnerTexts()).map((t) => t.trim());
      return labels.filter((l) => l.startsWith('remote-')).length === 3 && labels;
    });
    assert.deepEqual(names.filter((l) => l.startsWith('remote-')), ['remote-c', 'remote-b', 'remote-a'], 'newest first');
    assert.match(await row(page, 'remote-a').locator('.label-description').innerText(), /accuracy 0\.97/);
    await expectCount(row(page, 'remote-a'), '.codicon-pass', 1);
    // a remote run's system series sit in their own group, as a local run's do
    await expand(row(page, 'remote-a'));
    const count = async (label) => (await row(page, label).locator('.label-description').innerText()).trim();
    await row(page, 'System').waitFor();
    assert.deepEqual([await count('Metrics'), await count('System')], ['2', '1']);
    await row(page, 'remote-a').locator('.monaco-tl-twistie').click();
    await until('remote-a collapsed', async () => (await row(page, 'System').count()) === 0);
    // the local store is a root too
    await expand(row(page, state.folder.split('/').pop()));
    await row(page, 'local-exp').waitFor();
    await screenshot('1-server-root');
  },

  /** @param {import('../lib/uiTests.mjs').UiContext} ctx */
  'a filter with `or` runs on the server': async ({ page, screenshot }) => {
    await runCommand(page, 'RunLens: Filter Runs…', undefined, { opens: 'Filter Runs' });
    const input = page.locator('.quick-input-widget input');
    await input.fill('metrics.test_accuracy > 0.9 or params.lr = "0.5"');
    await input.press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    await expand(row(page, 'team'));
    await expand(row(page, 'team-vision'));
    await until('remote-a and remote-c only', async () => (await row(page, 'remote-a').count()) === 1 && (await row(page, 'remote-c').count()) === 1 && (await row(page, 'remote-b').count()) === 0);
    await screenshot('2-filtered');
    await runCommand(page, 'RunLens: Clear Run Filter');
    await until('remote-b back', async () => (await row(page, 'remote-b').count()) === 1);
  },

  /** @param {import('../lib/uiTests.mjs').UiContext} ctx */
  'a remote and a local run in one compare panel, both curves drawn': async ({ page, screenshot }) => {
    await expand(row(page, 'local-exp'));
    const local = row(page, 'local-mlp');
    const remote = row(page, 'remote-a');
    await local.click();
    await remote.click({ modifiers: ['Control'] });
    await until('both selected', async () => /\bselected\b/.test(await local.getAttribute('class') ?? '') && /\bselected\b/.test(await remote.getAttribute('class') ?? ''));
    await contextMenu(page, remote, 'Compare Selected Runs');
    const frame = webviewFrame(page);
    const heads = frame.locator('[data-section="table"] table.compare-table thead th');
    await until('both runs in the table', async () => (await heads.count()) === 3);
    assert.deepEqual((await heads.allInnerTexts()).map((t) => t.trim()).slice(1).sort(), ['local-mlp', 'remote-a']);
    const lr = frame.locator('tr[data-group="param"][data-key="lr"] td');
    assert.deepEqual((await lr.allInnerTexts()).map((t) => t.trim()).sort(), ['0.05', '0.1']);
    const card = frame.locator('.chart-card[data-key="loss"]');
    await card.waitFor();
    await card.scrollIntoViewIfNeeded();
    // both curves drawn: the legend has both runs and the canvas has pixels
    await until('the loss chart drawn', async () => card.locator('canvas').evaluate((c) => {
      const d = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data;
      return Boolean(d && d.some((v, i) => i % 4 === 3 && v > 0));
    }));
    await screenshot('3-compare-local-and-remote');
  },

  /** @param {import('../lib/uiTests.mjs').UiContext} ctx */
  'Push to Team Server… sends the local run; the server has it': async ({ page, screenshot }) => {
    const local = row(page, 'local-mlp');
    await local.waitFor();
    // select it alone: with the remote run still selected the menu offers only what both share (compare)
    await local.click();
    await until('only the local run selected', async () => (await page.locator('.pane .monaco-list-row.selected').count()) === 1);
    await contextMenu(page, local, 'Push to Team Server…');
    const done = await waitForNotification(page, /RunLens: pushed 1 run to team/, 60_000);
    assert.match(done, /1 new run/);
    assert.match(done, /30 metric points|31 metric points/);
    await screenshot('4-pushed');
    const check = await state.mlflow.runMlflowPython(`
import sys, json, mlflow
c = mlflow.MlflowClient(sys.argv[1])
e = c.get_experiment_by_name("local-exp")
runs = c.search_runs([e.experiment_id]) if e else []
print(json.dumps([{"name": r.info.run_name, "lr": r.data.params.get("lr"), "loss": len(c.get_metric_history(r.info.run_id, "loss")), "acc": r.data.metrics.get("test_accuracy")} for r in runs]))
`, { args: [state.server.uri] });
    assert.equal(check.code, 0, check.stderr);
    assert.deepEqual(JSON.parse(check.stdout.trim().split('\n').pop()), [{ name: 'local-mlp', lr: '0.05', loss: 30, acc: 0.88 }]);
    // the server's root shows it after the push
    await expand(row(page, 'team'));
    await row(page, 'local-exp').first().waitFor();
    await until('the pushed experiment under the server', async () => (await page.locator('.monaco-list-row .label-name', { hasText: /^\s*local-exp\s*$/ }).count()) === 2);
  },
};
