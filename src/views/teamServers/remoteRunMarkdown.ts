/**
 * A run on a tracking server as the "Open Run Details" page: the local
 * page's sections (runDetailsMarkdown), the server it lives on, and its
 * artifacts as MLflow lists them (no content hash; size when the server
 * says). Everything from the server is escaped. No vscode import.
 */
import type { RunDetails } from '../../tracking/runSource';
import { runDetailsMarkdown } from '../runDetailsMarkdown';
import { escapeMarkdown } from '../runPresentation';

export function remoteRunMarkdown(d: RunDetails, server: { readonly name: string; readonly uri: string }, children: number): string {
  const page = runDetailsMarkdown({ run: d.run, params: d.run.params, tags: d.run.tags, metrics: d.metrics, artifacts: [], inputs: d.inputs, children });
  const [title, ...rest] = page.split('\n');
  const out = [title!, '', `On the tracking server **${escapeMarkdown(server.name)}** (${escapeMarkdown(server.uri)})${d.run.user ? `, logged by ${escapeMarkdown(d.run.user)}` : ''}.`, ...rest];
  if (d.artifacts.length > 0) {
    out.push('## Artifacts', '', '| path | bytes |', '| --- | ---: |');
    for (const a of d.artifacts) out.push(`| ${escapeMarkdown(a.path).replace(/\n/g, ' ')} | ${a.size ?? '—'} |`);
    out.push('');
  }
  return out.join('\n');
}
