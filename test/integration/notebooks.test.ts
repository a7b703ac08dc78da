/**
 * A run logged from a notebook, in a real VS Code: the shipped Python helper logs it with `notebook=` (the
 * kernel side is tested under plain Node with a real Jupyter kernel: src/store/pythonNotebook.test.ts); the
 * Runs view shows it with a notebook icon, and Open Notebook opens the notebook in the notebook editor, or
 * the snapshot stored with the run once the file is gone.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { activate, waitFor, workspaceRoot } from './helpers';

const NOTEBOOK = {
  cells: [{ cell_type: 'markdown', metadata: {}, source: ['# Churn\n', 'logged from a notebook'] }],
  metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' } },
  nbformat: 4,
  nbformat_minor: 4,
};

suite('Notebook runs', function (this: Mocha.Suite) {
  this.timeout(120_000);

  test('a run from a notebook: a notebook icon, Open Notebook opens it, and its snapshot once the file is gone', async () => {
    const api = await activate();
    const root = workspaceRoot().fsPath;
    assert.ok(api.services.stores.open(vscode.workspace.workspaceFolders![0]!, true), 'the workspace store');
    const notebook = join(root, 'notebooks', 'churn.ipynb');
    mkdirSync(dirname(notebook), { recursive: true });
    const bytes = Buffer.from(JSON.stringify(NOTEBOOK, null, 1));
    writeFileSync(notebook, bytes);

    const ext = vscode.extensions.getExtension('runlens.runlens')!;
    const script = `import runlens\nwith runlens.start_run(experiment="notebooks", notebook=${JSON.stringify(notebook)}) as run:\n    runlens.log_metric("loss", 0.5)\nprint(run.id)`;
    const py = spawnSync('/usr/bin/python3', ['-c', script], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, PYTHONPATH: join(ext.extensionPath, 'python'), RUNLENS_STORE: join(root, '.runlens'), RUNLENS_RUN_ID: '' },
    });
    assert.equal(py.status, 0, py.stderr);
    const runId = py.stdout.trim().split('\n').pop()!;

    const tree = api.services.tree;
    const node = await waitFor('the notebook run in the Runs view', async () => {
      tree.reload();
      const experiment = (await tree.getChildren()).find((n) => n.kind === 'experiment' && n.name === 'notebooks');
      return experiment && (await tree.getChildren(experiment)).find((n) => n.kind === 'run' && n.runId === runId);
    });
    const item = tree.getTreeItem(node);
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'notebook');
    assert.match(String(item.contextValue), /^run finished\b.*\bnotebook$/);

    await vscode.commands.executeCommand('runlens.run.openNotebook', node);
    const editor = await waitFor('the notebook in the notebook editor', () =>
      vscode.window.activeNotebookEditor?.notebook.uri.fsPath === notebook && vscode.window.activeNotebookEditor);
    assert.equal(editor.notebook.notebookType, 'jupyter-notebook');
    assert.equal(editor.notebook.cellAt(0).document.getText(), '# Churn\nlogged from a notebook');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');

    rmSync(notebook);
    await vscode.commands.executeCommand('runlens.run.openNotebook', runId);
    const copy = await waitFor('a copy of the snapshot in the notebook editor', () => {
      const uri = vscode.window.activeNotebookEditor?.notebook.uri;
      return uri && uri.fsPath !== notebook && uri.fsPath.endsWith('churn.ipynb') ? uri : undefined;
    });
    assert.deepEqual(readFileSync(copy.fsPath), bytes, 'the notebook as it was when the run ended');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
