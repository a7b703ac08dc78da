import * as vscode from 'vscode';
import { remoteRunMarkdown } from '../../views/teamServers/remoteRunMarkdown';
import type { TeamServers } from './teamServers';

export const REMOTE_SCHEME = 'runlens-remote';

/** `runlens-remote:/run/<name>.md?…` (details) or `runlens-remote:/artifact/<path>?…` (a text artifact): read-only, fetched when opened. */
export function remoteUri(kind: 'run' | 'artifact', server: string, runId: string, path: string): vscode.Uri {
  return vscode.Uri.from({ scheme: REMOTE_SCHEME, path: `/${kind}/${path}`, query: new URLSearchParams({ server, run: runId }).toString() });
}

/** Read-only documents for runs and artifacts on a tracking server, read through its RunSource when opened. */
export class RemoteDocumentsProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly servers: TeamServers) {}

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const q = new URLSearchParams(uri.query);
    const server = q.get('server') ?? '';
    const runId = q.get('run') ?? '';
    const entry = this.servers.entry(server);
    if (!entry) return `The tracking server ${server} is not configured (runlens.trackingServers).`;
    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort(new Error('cancelled')));
    try {
      if (uri.path.startsWith('/artifact/')) return (await entry.source.readArtifact(runId, uri.path.slice('/artifact/'.length), controller.signal)).toString('utf8');
      const details = await entry.source.getRun(runId, controller.signal);
      const children = await entry.source.searchRuns({ parentId: runId, experiment: details.run.experiment, limit: 1000 }, controller.signal);
      return remoteRunMarkdown(details, entry.server, children.rows.length);
    } catch (e) {
      return `Could not read run ${runId} from ${server}: ${(e as Error).message}`;
    } finally {
      sub.dispose();
    }
  }
}
