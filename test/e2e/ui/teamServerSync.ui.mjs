// The team's MLflow server in the editor, part 2 (issue #13): the commands
// that change something, against a real `mlflow server` 2.12. In order:
// Add Tracking Server… (a bad URI refused, the setting written, the server a
// root) → the server behind an auth check shows offline with its 401 until
// Set Tracking Server Credentials… stores a user and password, then a token
// → Pull into Workspace brings a remote run whole, a second pull brings
// nothing → a remote artifact opens (a text one in an editor, a binary one
// downloaded) → runlens.logTo ships a run trained from the CodeLens, and
// one trained while the server is down arrives in the background once it is
// back → a push cancelled in the middle, then completed by a second push
// without a duplicate.
// The auth check is test/e2e/lib/mlflowAuthProxy.mjs, a reverse proxy that
// stands in for the auth layer in front of MLflow (MLflow 2.12's basic-auth
// app needs Flask-WTF, which the source install lacks).
// run: RUNLENS_MLFLOW_PYTHONPATH=/root/.cache/mlflow-2.12 RUNLENS_E2E_SKIP_INSTALL=1 node test/e2e/run.mjs ui:teamServerSync
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';
import { startAuthProxy } from '../lib/mlflowAuthProxy.mjs';
import {
  clickCodeLens, contextMenu, openFile, openViewContainer, pickRow, runCommand, setPaneExpanded, until, waitForNotification,
} from '../lib/ui.mjs';

export const timeoutMs = 240_000;

const TOKEN = 'tok-7c1e-team';
const BASIC = { username: 'alice', password: 'pw-93f2-alice' };
const SUMMARY = 'accuracy 0.97\nlr 0.1\n';
const LOG_REMOTE = `
import sys, os, time, tempfile, mlflow
from mlflow.entities import Metric
mlflow.set_tracking_uri(sys.argv[1])
mlflow.set_experiment("team-vision")
with mlflow.start_run(run_name="remote-pull") as run:
    mlflow.log_params({"lr": "0.1", "layers": "3"})
    now = int(time.time() * 1000)
    mlflow.MlflowClient().log_batch(run.info.run_id, metrics=[Metric("loss", 2.0 / (1 + s / 5), now + s, s) for s in range(60)])
    mlflow.log_metric("test_accuracy", 0.97)
    d = tempfile.mkdtemp()
    with open(os.path.join(d, "summary.txt"), "w") as f:
        f.write(sys.argv[2])
    mlflow.log_artifact(os.path.join(d, "summary.txt"), "notes")
    with open(os.path.join(d, "weights.bin"), "wb") as f:
        f.write(bytes(range(256)))
    mlflow.log_artifact(os.path.join(d, "weights.bin"))
`;
// 2,500 points: a push takes three log-batch requests of metrics (MLflow's limit is 1,000 entities)
const LOG_BIG = `
import sys, runlens
with runlens.start_run(experiment="push-exp", name="big", store=sys.argv[1]):
    runlens.log_params({"lr": "0.02"})
    for s in range(2500):
        runlens.log_metric("loss", 1.0 / (1 + s), step=s)
`;

const state = {
  server: /** @type {any} */ (null), proxy: /** @type {any} */ (null), mlflow: /** @type {any} */ (null), folder: '', root: '',
};

/** A Runs-view row by its exact label. */
function row(page, name) {
  const pane = page.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: 'Runs' }) });
  return pane.locator('.monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) }) }).first();
}

async function setExpanded(r, expanded) {
  await r.waitFor();
  if (((await r.getAttribute('aria-expanded')) === 'true') !== expanded) await r.locator('.monaco-tl-twistie').click();
  await until(`the row ${expanded ? 'expanded' : 'collapsed'}`, async () => ((await r.getAttribute('aria-expanded')) === 'true') === expanded, 10_000);
}
const expand = (r) => setExpanded(r, true);

/** `runlens …` in the workspace folder; its JSON answer. */
function runlensJson(...args) {
  const out = execFileSync(process.execPath, [join(state.root, 'bin', 'runlens.js'), ...args, '--json'], { cwd: state.folder, encoding: 'utf8', env: { ...process.env, RUNLENS_STORE: '' } });
  return JSON.parse(out);
}

/** What MLflow's own client reads from the server about an experiment's runs. */
async function serverRuns(experiment) {
  const r = await state.mlflow.runMlflowPython(`
import sys, json, mlflow
c = mlflow.MlflowClient(sys.argv[1])
e = c.get_experiment_by_name(sys.argv[2])
runs = c.search_runs([e.experiment_id]) if e else []
print(json.dumps([{"id": r.info.run_id, "name": r.info.run_name, "status": r.info.status, "params": r.data.params, "tags": r.data.tags,
  "histories": {k: len(c.get_metric_history(r.info.run_id, k)) for k in r.data.metrics}} for r in runs]))
`, { args: [state.server.uri, experiment] });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

function writeSettings(extra) {
  const file = join(state.folder, '.vscode', 'settings.json');
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), ...extra }, null, 2));
}

/** Every file under dir (the store: its SQLite files and artifacts). */
function filesUnder(dir) {
  return readdirSync(dir, { recursive: true }).map((f) => join(dir, String(f))).filter((f) => statSync(f).isFile());
}

/** @param {import('../lib/uiTests.mjs').UiContext} ctx */
export async function setup(ctx) {
  state.root = ctx.root;
  state.mlflow = await tsImport('../../../src/tracking/testing/realMlflow.ts', import.meta.url);
  state.server = await state.mlflow.startMlflowServer();
  state.proxy = await startAuthProxy(state.server.uri, { token: TOKEN, basic: BASIC });
  const remote = await state.mlflow.runMlflowPython(LOG_REMOTE, { args: [state.server.uri, SUMMARY] });
  assert.equal(remote.code, 0, remote.stderr);
  const folder = ctx.workspace(join(ctx.root, 'examples'));
  rmSync(join(folder, '.runlens'), { recursive: true, force: true });
  state.folder = folder;
  // no system metrics: the push counts below are the script's own points
  const big = spawnSync('python3', ['-c', LOG_BIG, join(folder, '.runlens')], { env: { ...process.env, PYTHONPATH: join(ctx.root, 'python'), RUNLENS_SYSTEM_METRICS: '0' }, encoding: 'utf8' });
  assert.equal(big.status, 0, big.stderr);
  mkdirSync(join(folder, '.vscode'), { recursive: true });
  writeFileSync(join(folder, '.vscode', 'settings.json'), JSON.stringify({ 'runlens.trackingServers': [{ name: 'team', uri: state.server.uri }] }, null, 2));
  await ctx.open({ folder });
}

export async function teardown() {
  await state.proxy?.close();
  await state.server?.dispose();
}

export const tests = {
  /** @param {import('../lib/uiTests.mjs').UiContext} ctx */
  'Add Tracking Server… refuses a bad URI in one line, writes runlens.trackingServers, and the server is a root': async ({ page, screenshot }) => {
    await openViewContainer(page, 'RunLens');
    await setPaneExpanded(page, 'Datasets', false);
    await setPaneExpanded(page, 'Models', false);
    await row(page, 'team').waitFor({ timeout: 45_000 });
    await runCommand(page, 'RunLens: Add Tracking Server…', undefined, { opens: 'Add Tracking Server (1/2)' });
    const input = page.locator('.quick-input-widget input');
    const message = page.locator('.quick-input-widget .quick-input-message');
    await input.fill('team');
    await until('the taken name refused', async () => /"team" is taken/.test(await message.innerText()));
    await input.fill('secure');
    await input.press('Enter');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Add Tracking Server (2/2)' }).waitFor();
    await input.fill('ftp://mlflow.example.com');
    const refusal = await until('the bad URI refused', async () => {
      const t = (await message.innerText()).trim();
      return /not an http\(s\) tracking server URI/.test(t) && t;
    });
    assert.equal(refusal.split('\n').length, 1, `one line: ${refusal}`);
    await input.press('Enter'); // refused: the input stays open
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Add Tracking Server (2/2)' }).waitFor();
    await input.fill(state.proxy.uri);
    await input.press('Enter');
    await pickRow(page, 'Workspace settings');
    await waitForNotification(page, /added the tracking server secure/);
    const settings = JSON.parse(readFileSync(join(state.folder, '.vscode', 'settings.json'), 'utf8'));
    assert.deepEqual(settings['runlens.trackingServers'], [{ name: 'team', uri: state.server.uri }, { name: 'secure', uri: state.proxy.uri }]);
    const secure = row(page, 'secure');
    await secure.waitFor();
    assert.match(await secure.locator('.label-description').innerText(), new RegExp(state.proxy.uri.replace(/[.:/]/g, '\\$&')));
    await screenshot('1-added');
  },

  /** @param {import('../lib/uiTests.mjs').UiContext} ctx */
  'behind an auth check the server is offline with its 401; with a user and password, then a token, set by Set Tracking Server Credentials…, its experiments list': async ({ page, screenshot }) => {
    await runCommand(page, 'Notifications: Clear All Notifications');
    await expand(row(page, 'secure'));
    const offline = page.locator('.monaco-list-row .label-name', { hasText: /^\s*Offline: 401 UNAUTHENTICATED: the server wants credentials; set them with "Set Tracking Server Credentials…"/ });
    await offline.first().waitFor({ timeout: 30_000 });
    await screenshot('2-offline-401');
    const input = page.locator('.quick-input-widget input');
    const title = (text) => page.locator('.quick-input-widget .quick-input-title', { hasText: text }).waitFor();
    /** Set Tracking Server Credentials… → secure → kind; then the server's experiments list, read with them. */
    const setCredentials = async (kind, answers) => {
      await runCommand(page, 'Notifications: Clear All Notifications');
      const before = state.proxy.stats.accepted.length;
      await runCommand(page, 'RunLens: Set Tracking Server Credentials…', undefined, { opens: 'Set Tracking Server Credentials' });
      await pickRow(page, 'secure');
      await title('Credentials for secure');
      await pickRow(page, kind);
      for (const [prompt, value, secret] of answers) {
        await title(prompt);
        assert.equal(await input.getAttribute('type'), secret ? 'password' : 'text', `${prompt}: typed ${secret ? 'hidden' : 'in clear'}`);
        await input.fill(value);
        await input.press('Enter');
      }
      await waitForNotification(page, /credentials of secure stored in VS Code's secret storage/);
      const secure = row(page, 'secure');
      await setExpanded(secure, false);
      await expand(secure);
      await row(page, 'team-vision').waitFor({ timeout: 30_000 });
      assert.equal(await offline.count(), 0);
      await setExpanded(secure, false);
      return state.proxy.stats.accepted.slice(before);
    };
    const basic = await setCredentials('User name and password', [['User name for secure', BASIC.username, false], [`Password for ${BASIC.username} on secure`, BASIC.password, true]]);
    assert.ok(basic.length > 0 && basic.every((s) => s === 'Basic'), `sent as basic auth: ${basic}`);
    await screenshot('3-credentials');
    const token = await setCredentials('Token', [['Token for secure', TOKEN, true]]);
    // (a poll of the server made with the user and password may still be on its way: only the token is asserted)
    assert.ok(token.includes('Bearer'), `the token is sent: ${token}`);
    // SecretStorage: neither the settings nor the store hold them
    const settingsText = readFileSync(join(state.folder, '.vscode', 'settings.json'), 'utf8');
    const stored = filesUnder(join(state.folder, '.runlens')).map((f) => [f, readFileSync(f)]);
    for (const secret of [TOKEN, BASIC.password]) {
      assert.ok(!settingsText.includes(secret), 'the settings hold a secret');
      for (const [f, bytes] of stored) assert.ok(!bytes.includes(secret), `${f} holds a secret`);
    }
  },

  /** @param {import('../lib/uiTests.mjs').UiContext} ctx */
  'Pull into Workspace brings the run with every param, metric point and artifact; a second pull brings nothing': async ({ page, screenshot }) => {
    await runCommand(page, 'Notifications: Clear All Notifications');
    await expand(row(page, 'team'));
    await expand(row(page, 'team-vision'));
    const remote = row(page, 'remote-pull');
    await remote.click();
    await contextMenu(page, remote, 'Pull into Workspace');
    const first = await waitForNotification(page, /RunLens: pulled 1 run from team/, 60_000);
    assert.match(first, /\(1 new, 0 updated, 0 unchanged\)/);
    const [remoteRun] = await serverRuns('team-vision');
    const local = runlensJson('show', 'remote-pull');
    assert.equal(local.experiment, 'team-vision');
    assert.deepEqual(local.params, { lr: '0.1', layers: '3' });
    for (const key of ['loss', 'test_accuracy']) {
      const here = runlensJson('metrics', local.id, key).points;
      const there = runlensJson('metrics', remoteRun.id, key, '--server', state.server.uri).points;
      assert.equal(here.length, key === 'loss' ? 60 : 1);
      assert.deepEqual(here, there, `every point of ${key}`);
    }
    const art = local.artifacts.find((a) => a.path === 'notes/summary.txt');
    assert.ok(art, `the artifact pulled: ${JSON.stringify(local.artifacts)}`);
    assert.equal(art.sha256, createHash('sha256').update(SUMMARY).digest('hex'));
    await screenshot('4-pulled');

    await runCommand(page, 'Notifications: Clear All Notifications');
    await contextMenu(page, remote, 'Pull into Workspace');
    const second = await waitForNotification(page, /RunLens: pulled 1 run from team/, 60_000);
    assert.match(second, /\(0 new, 0 updated, 1 unchanged\): nothing new/);
  },

  /** @param {import('../lib/uiTests.mjs').UiContext} ctx */
  'a remote run\'s artifact opens with its content': async ({ page, screenshot }) => {
    await expand(row(page, 'remote-pull'));
    await expand(row(page, 'Artifacts'));
    await row(page, 'notes/summary.txt').click();
    const tab = page.locator('.tabs-container .tab', { hasText: 'summary.txt' });
    await tab.waitFor({ timeout: 30_000 });
    const text = await until('the artifact\'s text in the editor', async () => {
      const t = (await page.locator('.editor-instance .monaco-editor .view-lines').first().innerText()).replace(/\u00a0/g, ' ');
      return t.includes('accuracy 0.97') && t;
    });
    assert.match(text, /lr 0\.1/);
    await screenshot('5-artifact');
    // not text: downloaded beside the others of the run, then opened by VS Code
    await row(page, 'weights.bin').click();
    await page.locator('.tabs-container .tab', { hasText: 'weights.bin' }).waitFor({ timeout: 30_000 });
    const [remoteRun] = await serverRuns('team-vision');
    const file = join(tmpdir(), 'runlens-artifacts', remoteRun.id, 'weights.bin');
    assert.deepEqual([...readFileSync(file)], [...Array(256).keys()]);
    await setExpanded(row(page, 'team'), false);
  },

  /** @param {import('../lib/uiTests.mjs').UiContext} ctx */
  'runlens.logTo: a run trained while the server is down arrives in the background once it is back; the next one while it trains; each once': async ({ page, screenshot }) => {
    const FINISHED = /RunLens: (\S+) finished: test_accuracy/;
    writeSettings({ 'runlens.logTo': 'team' });
    await state.server.stop();
    await runCommand(page, 'Notifications: Clear All Notifications');
    await openFile(page, 'iris.train.yaml');
    await clickCodeLens(page, 'Train this', 30_000);
    const [, away] = FINISHED.exec(await waitForNotification(page, FINISHED, 90_000));
    await state.server.restart();
    // nobody trains again nor pushes: the editor sends it when the server answers
    const first = await until('the run trained while the server was down, on the server', async () => {
      const r = await serverRuns('iris');
      return r.length === 1 && r[0].status === 'FINISHED' && r;
    }, 120_000);
    assert.equal(first[0].name, away);
    await runCommand(page, 'Notifications: Clear All Notifications');
    await openFile(page, 'iris.train.yaml');
    await clickCodeLens(page, 'Train this', 30_000);
    const [, back] = FINISHED.exec(await waitForNotification(page, FINISHED, 90_000));
    assert.notEqual(away, back);
    const runs = await until('both runs on the server, finished', async () => {
      const r = await serverRuns('iris');
      return r.length === 2 && r.every((x) => x.status === 'FINISHED') && r;
    }, 60_000);
    assert.deepEqual(runs.map((r) => r.name).sort(), [away, back].sort());
    for (const r of runs) {
      const local = runlensJson('show', r.name);
      assert.equal(r.tags['runlens.runId'], local.id, 'the server\'s copy is of this local run');
      assert.deepEqual(Object.fromEntries(Object.entries(r.params).filter(([k]) => k in local.params)), local.params);
      assert.equal(Object.keys(r.params).length, Object.keys(local.params).length, `params of ${r.name}`);
      for (const [key, n] of Object.entries(r.histories)) {
        assert.equal(n, runlensJson('metrics', local.id, key).points.length, `every point of ${key} of ${r.name}, once`);
      }
      assert.ok(Object.keys(r.histories).length > 0, 'metrics arrived');
    }
    await screenshot('6-logTo');
    writeSettings({ 'runlens.logTo': '' });
  },

  /** @param {import('../lib/uiTests.mjs').UiContext} ctx */
  'a push cancelled in the middle keeps what it sent; the next push sends the rest, nothing twice': async ({ page, screenshot }) => {
    await runCommand(page, 'Notifications: Clear All Notifications');
    // the second log-batch of metrics waits at the proxy until the push is cancelled
    let metricBatches = 0;
    state.proxy.hold((path, body) => path.endsWith('/runs/log-batch') && Array.isArray(body?.metrics) && body.metrics.length > 0 && ++metricBatches === 2);
    const folderRow = row(page, state.folder.split('/').pop());
    await expand(folderRow);
    await expand(row(page, 'push-exp'));
    const big = row(page, 'big');
    await big.click();
    await until('only the local run selected', async () => (await page.locator('.pane .monaco-list-row.selected').count()) === 1);
    await contextMenu(page, big, 'Push to Team Server…');
    await pickRow(page, 'secure');
    await until('a batch held at the proxy', async () => state.proxy.held.length === 1, 60_000);
    // what the push writes (the Runs view's polls read through the proxy too)
    const writes = () => state.proxy.stats.forwarded.filter((r) => /^(POST|PUT) \S*\/(runs\/(create|log-batch|update|log-inputs)|mlflow-artifacts\/artifacts\/)/.test(r)).length;
    const writesAtHold = writes();
    assert.ok(writesAtHold >= 2, 'the run created and its first batch forwarded');
    const toast = page.locator('.notifications-toasts .notification-list-item', { hasText: 'pushing to secure' }).first();
    await toast.hover();
    await toast.locator('.monaco-button', { hasText: 'Cancel' }).click();
    await waitForNotification(page, /push to secure cancelled; what was sent is recorded/, 30_000);
    state.proxy.hold(null);
    state.proxy.dropHeld();
    const [cut] = await serverRuns('push-exp');
    assert.equal(writes(), writesAtHold, 'nothing written after the cancel');
    assert.ok(cut.histories.loss > 0 && cut.histories.loss < 2500, `part of the series arrived: ${cut.histories.loss}`);
    await screenshot('7-cancelled');

    await runCommand(page, 'Notifications: Clear All Notifications');
    await big.click();
    await contextMenu(page, big, 'Push to Team Server…');
    await pickRow(page, 'secure');
    const done = await waitForNotification(page, /RunLens: pushed 1 run to secure/, 60_000);
    assert.match(done, /0 new runs, 1 updated/);
    const sent = Number(/sent (\d+) metric points/.exec(done)?.[1] ?? 0);
    assert.equal(cut.histories.loss + sent, 2500, `the rest only: ${done}`);
    const after = await serverRuns('push-exp');
    assert.equal(after.length, 1, 'one run on the server');
    assert.equal(after[0].histories.loss, 2500);
    assert.equal(after[0].status, 'FINISHED');
  },
};
