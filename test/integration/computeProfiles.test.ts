/**
 * Compute profiles inside a real VS Code: runlens.yaml at the workspace root
 * gets RunLens's own diagnostics (a bad Slurm time at its line), and a
 * config's `compute:` naming a profile nobody defined is a warning that goes
 * away once runlens.yaml defines it (the file watcher reloads the profiles).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { activate, waitFor, workspaceRoot } from './helpers';

const runlensDiagnostics = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'RunLens');

suite('Compute profiles', function (this: Mocha.Suite) {
  this.timeout(120_000);
  const created: string[] = [];
  const write = (name: string, text: string) => {
    const path = join(workspaceRoot().fsPath, name);
    writeFileSync(path, text);
    created.push(path);
    return vscode.Uri.file(path);
  };
  // Other suites share this workspace: leave no profiles behind.
  suiteTeardown(() => {
    for (const p of created) rmSync(p, { force: true });
  });

  test('runlens.yaml: a malformed time is an error at its line; fixing it clears it', async () => {
    await activate();
    const uri = write('runlens.yaml', 'compute:\n  gpu:\n    backend: slurm\n    partition: gpu\n    time: 4h\n');
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const [time] = await waitFor('runlens.yaml diagnostics', () => {
      const d = runlensDiagnostics(uri);
      return d.length > 0 ? d : undefined;
    });
    assert.match(time!.message, /^compute\.gpu\.time must be a Slurm time limit: minutes, MM:SS, HH:MM:SS/);
    assert.equal(time!.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(time!.range.start.line, 4, 'line 5 holds `time: 4h`');
    assert.equal(time!.range.start.character, 10);

    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(4, 10, 4, 12), '"4:00:00"');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await waitFor('the diagnostic to go', () => runlensDiagnostics(uri).length === 0);
    assert.ok(await document.save());
  });

  test("a config's compute: naming no profile is a warning until runlens.yaml defines it", async () => {
    await activate();
    const config = write('remote.train.yaml', 'command: python train.py\ncompute: gpu-h100\n');
    await vscode.workspace.openTextDocument(config);
    const warning = await waitFor('the unknown-profile warning', () => runlensDiagnostics(config).find((d) => d.message.includes('gpu-h100')));
    assert.equal(warning.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(warning.range.start.line, 1);
    assert.match(warning.message, /unknown compute profile "gpu-h100"/);

    write('runlens.yaml', 'compute:\n  gpu-h100:\n    backend: slurm\n    partition: gpu\n');
    await waitFor('the warning to go once runlens.yaml defines the profile', () => runlensDiagnostics(config).length === 0);
  });
});
