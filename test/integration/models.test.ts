/**
 * The model registry in a real VS Code (code-server 1.100): a run trained by
 * the CLI, registered through the command, shown in the Models view with its
 * alias and metric; "Serve Locally" as a real `runlens serve` child process
 * answering POST /invocations and leaving a stopped deployment after Stop;
 * the Deploy panel's ready handshake, its build in "context only" mode (no
 * container CLI needed), a bad tag refused, and its smoke test's match count.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { activate, waitFor, workspaceRoot } from './helpers';
import type { RunLensApi } from '../../src/extension/extension';
import type { ModelsNode } from '../../src/extension/models/modelsTreeProvider';

const MODEL = 'iris-e2e';

function trainWithCli(): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(process.env.RUNLENS_ROOT!, 'bin', 'runlens.js'), 'train', 'iris.train.yaml'], {
      cwd: workspaceRoot().fsPath,
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', RUNLENS_STORE: '' },
      stdio: 'ignore',
    });
    child.on('exit', resolve);
  });
}

function versionNode(api: RunLensApi): Extract<ModelsNode, { kind: 'version' }> | undefined {
  const tree = api.models.tree;
  const model = tree.getChildren().find((n) => n.kind === 'model' && n.name === MODEL);
  return model && tree.getChildren(model).find((n): n is Extract<ModelsNode, { kind: 'version' }> => n.kind === 'version' && n.version === 1);
}

suite('Models view, Serve Locally and the Deploy panel', function (this: Mocha.Suite) {
  this.timeout(120_000);
  let runId = '';

  suiteSetup(async () => {
    const api = await activate();
    assert.equal(await trainWithCli(), 0, 'runlens train iris.train.yaml');
    api.services.stores.refresh();
    const store = await waitFor('the store', () => api.services.stores.folders[0]?.store);
    const [run] = store.listRuns({ sort: 'attributes.start_time DESC', limit: 1 });
    assert.equal(run?.status, 'finished');
    runId = run!.id;
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Register Model… on a CLI-trained run: the Models view shows the version with its alias and key metric', async () => {
    const api = await activate();
    const v = await vscode.commands.executeCommand<{ name: string; version: number; aliases: string[] }>('runlens.model.register', runId, MODEL, 'production');
    assert.deepEqual({ name: v?.name, version: v?.version, aliases: v?.aliases }, { name: MODEL, version: 1, aliases: ['production'] });
    const node = await waitFor('the version in the Models view', () => versionNode(api));
    const item = api.models.tree.getTreeItem(node);
    assert.equal(item.label, 'v1');
    assert.match(String(item.description), /^@production · test_accuracy 0\.\d{4} · /);
    assert.match(String(item.contextValue), /^modelVersion hasAlias hasRun notServing$/);
    const tip = (item.tooltip as vscode.MarkdownString).value;
    assert.match(tip, /iris\\\.train\\\.yaml/, 'the tooltip names the config (Markdown-escaped)');
    assert.match(tip, /train data: data\/iris\\\.csv/);
    const modelItem = api.models.tree.getTreeItem(api.models.tree.getChildren().find((n) => n.kind === 'model' && n.name === MODEL)!);
    assert.match(String(modelItem.description), /1 version · @production/);
  });

  test('Serve Locally answers POST /invocations on loopback; Stop Serving leaves the deployment stopped', async () => {
    const api = await activate();
    const node = versionNode(api)!;
    const url = await vscode.commands.executeCommand<string>('runlens.model.serve', node);
    assert.match(url ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    const store = api.services.stores.folders[0]!.store!;
    const [running] = store.registry.listDeployments(MODEL, 1);
    assert.equal(running?.url, url);
    assert.equal(running?.stoppedAt, null);
    assert.equal(api.models.serve.running.length, 1);
    const res = await fetch(`${url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ dataframe_split: { columns: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'], data: [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]] } }),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { predictions: ['setosa', 'virginica'] });
    const serving = api.models.tree.getTreeItem(versionNode(api)!);
    assert.match(String(serving.contextValue), /\bserving\b.*\bownServer\b/);
    const deployments = api.models.tree.getChildren(versionNode(api)!).filter((n) => n.kind === 'deployment');
    assert.equal(deployments.length, 1);

    await vscode.commands.executeCommand('runlens.model.stopServing', versionNode(api));
    assert.equal(api.models.serve.running.length, 0);
    const [stopped] = store.registry.listDeployments(MODEL, 1);
    assert.notEqual(stopped?.stoppedAt, null, 'the CLI marked its deployment stopped on SIGTERM');
    await assert.rejects(fetch(`${url}/ping`), 'the server is gone');
    assert.match(String(api.models.tree.getTreeItem(versionNode(api)!).contextValue), /notServing/);
  });

  test('the Deploy panel: ready handshake, a bad tag refused, a context-only build, a smoke test with its match count', async () => {
    const api = await activate();
    await vscode.commands.executeCommand('runlens.deploy.open', `${MODEL}@production`);
    const panel = await waitFor('the deploy panel', () => api.models.deployPanel());
    await Promise.race([panel.whenReady, new Promise((_, reject) => setTimeout(() => reject(new Error('the page never posted ready')), 30_000))]);
    const snap = panel.snapshot();
    assert.equal(snap.ready, true);
    assert.equal(snap.state.selected, `${MODEL}:1`, 'the alias chose its version');
    assert.equal(snap.state.versions.find((v) => v.ref === `${MODEL}:1`)?.defaultTag, `runlens/${MODEL}:1`);

    await panel.receive({ type: 'build', ref: `${MODEL}:1`, tag: 'x; rm -rf /', baseImage: '', contextOnly: true });
    assert.match(panel.snapshot().lastError ?? '', /invalid image reference "x; rm -rf \/": character ";" at position 2/);
    assert.equal(panel.snapshot().state.build.phase, 'idle', 'nothing ran');

    await panel.receive({ type: 'build', ref: `${MODEL}:1`, tag: '', baseImage: 'node:20-bookworm-slim', contextOnly: true });
    const build = panel.snapshot().state.build;
    assert.equal(build.phase, 'context-only');
    const dir = build.contextDir!;
    assert.equal(dir, join(workspaceRoot().fsPath, '.runlens', 'builds', `${MODEL}-1`));
    for (const f of ['Dockerfile', '.dockerignore', 'README.md', 'build.json', 'model/model.json', 'server/serve.js']) assert.ok(existsSync(join(dir, f)), `${f} missing`);
    assert.match(readFileSync(join(dir, 'Dockerfile'), 'utf8'), /^FROM node:20-bookworm-slim$/m);
    assert.match(build.command ?? '', /^docker build .*-t runlens\/iris-e2e:1 /);
    assert.ok(panel.snapshot().state.log.some((l) => l.startsWith('build context: ')));

    // A real build with whatever container CLI this machine has. Here buildah works but no registry
    // is reachable, so it fails pulling the base image; elsewhere it may build, or find no CLI at all.
    await panel.receive({ type: 'build', ref: `${MODEL}:1`, tag: 'runlens/iris-e2e:try', baseImage: 'node:20-bookworm-slim', contextOnly: false });
    const real = panel.snapshot().state.build;
    const store = api.services.stores.folders[0]!.store!;
    switch (real.phase) {
      case 'failed': {
        assert.match(real.failedStep ?? '', /^step \d+(\/\d+)? \(.+\)$/, real.error ?? '');
        assert.ok(panel.snapshot().state.log.some((l) => l.includes(real.failedInstruction!)), 'the failed step is in the log the page highlights');
        const [record] = store.registry.listModelBuilds(MODEL, 1);
        assert.equal(record?.status, 'failed');
        assert.ok(record?.logSha256, 'the log is kept as a blob');
        const buildNode = await waitFor('the build in the Models view', () => api.models.tree.getChildren(versionNode(api)!).find((n) => n.kind === 'build'));
        assert.equal(api.models.tree.getTreeItem(buildNode).contextValue, 'modelBuild failed hasLog');
        break;
      }
      case 'succeeded':
        assert.match(real.imageId ?? '', /^sha256:[0-9a-f]{64}$/);
        assert.match(real.runCommand ?? '', /run --rm -p 127\.0\.0\.1:8080:8080 runlens\/iris-e2e:try$/);
        break;
      case 'no-cli':
        assert.ok(real.cliNotes.length > 0 && real.contextDir && real.command);
        break;
      default:
        assert.fail(`unexpected build phase ${real.phase}: ${real.error}`);
    }

    await panel.receive({ type: 'smokeTest', ref: `${MODEL}:1` });
    const smoke = panel.snapshot().state.smoke!;
    assert.ok(smoke, panel.snapshot().lastError ?? 'no smoke result');
    assert.equal(smoke.rows.length, 20);
    assert.ok(smoke.matches >= 18, `${smoke.matches}/20 matched`);
    assert.match(smoke.source, /^data\/iris\.csv/);
    // no image of this version was built: the build context's files answered, and the result says why
    assert.equal(smoke.target, 'context');
    assert.match(smoke.how, /no image has been built for this version yet/);
    assert.match(smoke.how, /node server\/serve\.js model\/model\.json/);
  });
});
