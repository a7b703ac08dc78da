import * as vscode from 'vscode';
import { readFileSync } from 'node:fs';
import type { WorkspaceStores } from './store/workspaceStores';
import { runDetailsMarkdown } from '../views/runDetailsMarkdown';

export const ARTIFACT_SCHEME = 'runlens-artifact';
export const RUN_SCHEME = 'runlens-run';

/** `runlens-artifact:/<runId>/<logical path>?<sha256>`: opens read-only, language from the extension. */
export function artifactUri(runId: string, path: string, sha256: string): vscode.Uri {
  return vscode.Uri.from({ scheme: ARTIFACT_SCHEME, path: `/${runId}/${path}`, query: sha256 });
}

/** `runlens-run:/<runId>/<name>.md`: the run details page. */
export function runDetailsUri(runId: string, name: string): vscode.Uri {
  return vscode.Uri.from({ scheme: RUN_SCHEME, path: `/${runId}/${name.replace(/[^\w.-]+/g, '_')}.md` });
}

/**
 * Read-only documents for artifacts and run details, served from the store:
 * nothing is copied into the workspace, nothing asks to be saved.
 */
export class RunDocumentsProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly open = new Set<string>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly stores: WorkspaceStores) {
    // Run details follow the run live (status, metrics) while shown.
    this.subscription = stores.onDidChange(() => {
      for (const u of this.open) this.emitter.fire(vscode.Uri.parse(u));
    });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const [, runId] = uri.path.split('/');
    const f = runId ? this.stores.findRun(runId) : undefined;
    const store = f?.store;
    if (!store || !runId) return `Run ${runId ?? ''} is not in any open RunLens store.`;
    if (uri.scheme === ARTIFACT_SCHEME) return readFileSync(store.artifactPath(uri.query), 'utf8');
    this.open.add(uri.toString());
    const run = store.getRun(runId);
    return runDetailsMarkdown({
      run,
      params: store.getParams(runId),
      tags: store.getTags(runId),
      metrics: store.getMetricSummaries(runId),
      artifacts: store.listArtifacts(runId),
      inputs: store.datasets.listInputs(runId),
      children: store.countRuns({ parentId: runId }),
    });
  }

  forget(uri: vscode.Uri): void {
    this.open.delete(uri.toString());
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
