import * as vscode from 'vscode';
import type { RunSource, SourceRunRow } from '../../tracking/runSource';
import { formatMetric, pickKeyMetric, relativeTime } from '../../views/runPresentation';

/** Runs offered per source at most (newest first); a filter in the explorer finds older ones. */
const PICK_LIMIT = 500;

/** A place to pick runs from: a folder's store or a tracking server. */
export interface PickSource {
  readonly label: string;
  readonly source: RunSource;
  /** The run's key in the compare panel. */
  readonly keyOf: (runId: string) => string;
  /** Reads it with this signal (a server's time limit). */
  readonly signal?: () => AbortSignal;
}

/**
 * "Add runs…": a multi-select quick pick of the runs of every source not
 * yet compared, newest first, grouped by source. A source that fails (a
 * server away) is listed with its reason instead. Resolves to the chosen
 * keys (empty when cancelled).
 */
export async function pickMoreRuns(sources: readonly PickSource[], exclude: readonly string[]): Promise<string[]> {
  const skip = new Set(exclude);
  const now = Date.now();
  type Item = vscode.QuickPickItem & { key?: string };
  const pick = vscode.window.createQuickPick<Item>();
  pick.canSelectMany = true;
  pick.matchOnDescription = true;
  pick.title = 'Add Runs to the Comparison';
  pick.placeholder = 'Select runs to compare';
  pick.busy = true;
  pick.show();
  const lists = await Promise.all(sources.map(async (s) => {
    try {
      return { s, rows: (await s.source.searchRuns({ limit: PICK_LIMIT + skip.size }, s.signal?.())).rows };
    } catch (e) {
      return { s, rows: [] as SourceRunRow[], error: (e as Error).message };
    }
  }));
  const items: Item[] = [];
  for (const { s, rows, error } of lists) {
    const runs = rows.filter((r) => !skip.has(s.keyOf(r.id))).slice(0, PICK_LIMIT);
    if (sources.length > 1 && (runs.length > 0 || error)) items.push({ label: s.label, kind: vscode.QuickPickItemKind.Separator });
    if (error) items.push({ label: `$(warning) ${error}`, alwaysShow: true });
    for (const r of runs) {
      const key = pickKeyMetric(r.metrics);
      items.push({
        label: r.name,
        description: [r.experiment, r.status, key ? `${key} ${formatMetric(r.metrics[key])}` : ''].filter(Boolean).join(' · '),
        detail: `${r.id.slice(0, 8)} · ${relativeTime(r.startedAt ?? r.createdAt, now)}`,
        key: s.keyOf(r.id),
      });
    }
  }
  pick.busy = false;
  if (!items.some((i) => i.key)) {
    pick.dispose();
    void vscode.window.showInformationMessage('No other runs to add.');
    return [];
  }
  pick.items = items;
  const chosen = await new Promise<readonly Item[]>((resolve) => {
    pick.onDidAccept(() => resolve(pick.selectedItems));
    pick.onDidHide(() => resolve([]));
  });
  pick.dispose();
  return chosen.flatMap((p) => (p.key ? [p.key] : []));
}
