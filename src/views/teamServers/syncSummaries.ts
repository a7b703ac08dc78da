/**
 * The one-line summaries of a push and a pull that the editor shows in its
 * notifications and the Output channel. No vscode import.
 */
import type { PullSummary } from '../../tracking/pull/pullTypes';
import type { PushSummary } from '../../tracking/push/pushTypes';
import { plural } from '../../core/util/plural';

/** One line for the notification: what the pull did (as `runlens pull` says it). */
export function pullSummaryText(s: PullSummary, server: string): string {
  const runs = s.runsNew + s.runsUpdated + s.runsUnchanged;
  const got = s.points + s.params + s.tags + s.artifacts + s.inputs === 0
    ? 'nothing new'
    : [s.points && plural(s.points, 'metric point'), s.params && plural(s.params, 'param'), s.artifacts && plural(s.artifacts, 'artifact'), s.inputs && plural(s.inputs, 'dataset input')].filter(Boolean).join(', ');
  return `pulled ${plural(runs, 'run')} from ${server} (${s.runsNew} new, ${s.runsUpdated} updated, ${s.runsUnchanged} unchanged): ${got}`;
}

/** One line for the notification: what the push did. */
export function pushSummaryText(s: PushSummary, server: string): string {
  const runs = s.runsCreated + s.runsUpdated + s.runsUnchanged;
  const parts = [`${plural(s.runsCreated, 'new run')}`, `${s.runsUpdated} updated`, `${s.runsUnchanged} already there`];
  const sent = [s.points && plural(s.points, 'metric point'), s.params && plural(s.params, 'param'), s.artifacts && plural(s.artifacts, 'artifact')].filter(Boolean).join(', ');
  return `pushed ${plural(runs, 'run')} to ${server}: ${parts.join(', ')}${sent ? `; sent ${sent}` : ''}`;
}
