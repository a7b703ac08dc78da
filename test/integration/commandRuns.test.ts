/**
 * Command runs inside a real VS Code: the shipped examples/python loop (a
 * PyTorch-style script that logs by printing `runlens: metric …` lines, in
 * plain Python when torch is absent) gets the Train and Sweep lenses, trains
 * through the editor's command as a tracked child process, and its metrics,
 * params and output log land in the store.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { activate, waitFor, workspaceRoot } from './helpers';

suite('Command runs', function (this: Mocha.Suite) {
  this.timeout(180_000);

  test('the Python loop example: Train and Sweep lenses, then a tracked run with the metrics it printed', async () => {
    const api = await activate();
    const root = workspaceRoot().fsPath;
    // the example exactly as shipped (extension root = the project under test)
    const ext = vscode.extensions.getExtension('runlens.runlens')!;
    cpSync(join(ext.extensionPath, 'examples', 'python'), join(root, 'python'), { recursive: true });
    const uri = vscode.Uri.file(join(root, 'python', 'loop.train.yaml'));
    await vscode.window.showTextDocument(uri);
    const lenses = await waitFor('the lenses of a command config', async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
      return l && l.some((x) => x.command?.title.includes('Train this')) ? l : undefined;
    });
    const titles = lenses.map((l) => l.command?.title ?? '');
    assert.ok(titles.some((t) => t.includes('Sweep (3 trials)')), titles.join(' | '));

    await vscode.commands.executeCommand('runlens.config.trainFile', uri);
    const store = api.services.stores.forUri(uri)!.store!;
    const [run] = store.listRuns({ experiment: 'python-loop', parentId: null, limit: 1 });
    assert.ok(run, 'a run in the python-loop experiment');
    assert.equal(run.status, 'finished', run.error ?? '');
    // the config's params, logged by RunLens before the script started
    assert.equal(run.params.lr, '0.5');
    assert.equal(run.params.epochs, '8');
    // metrics the script printed, one point per step, the loss going down
    const loss = store.getMetricSummaries(run.id).find((m) => m.key === 'train_loss');
    assert.ok(loss && loss.count > 1, 'train_loss logged from printed lines');
    assert.ok(store.getMetricSummaries(run.id).some((m) => m.key === 'val_loss'), 'val_loss logged per epoch');
    assert.ok(loss.latest < loss.max, `the loss went down (latest ${loss.latest}, max ${loss.max})`);
    // its output, saved as an artifact
    assert.ok(store.listArtifacts(run.id).some((a) => a.path === 'logs/output.log'), 'logs/output.log saved');
    assert.equal(api.services.training.trainings.length, 0);
  });
});
