import * as vscode from 'vscode';
import type { CompareStore } from '../../views/compare/compareStore';
import { formatMetric, pickKeyMetric, relativeTime } from '../../views/runPresentation';

/** Runs offered at most (newest first); a filter in the explorer finds older ones. */
const PICK_LIMIT = 500;

/**
 * "Add runs…": a multi-select quick pick of the runs of `store` not yet
 * compared, newest first. Resolves to the chosen ids (empty when cancelled).
 */
export async function pickMoreRuns(store: CompareStore, exclude: readonly string[]): Promise<string[]> {
  const skip = new Set(exclude);
  const now = Date.now();
  const items = store
    .listRuns({ limit: PICK_LIMIT + skip.size })
    .filter((r) => !skip.has(r.id))
    .slice(0, PICK_LIMIT)
    .map((r) => {
      const key = pickKeyMetric(r.metrics);
      return {
        label: r.name,
        description: [r.experiment, r.status, key ? `${key} ${formatMetric(r.metrics[key])}` : ''].filter(Boolean).join(' · '),
        detail: `${r.id.slice(0, 8)} · ${relativeTime(r.startedAt ?? r.createdAt, now)}`,
        id: r.id,
      };
    });
  if (items.length === 0) {
    void vscode.window.showInformationMessage('No other runs in this store to add.');
    return [];
  }
  const picked = await vscode.window.showQuickPick(items, {
    canPickMany: true,
    matchOnDescription: true,
    title: 'Add Runs to the Comparison',
    placeHolder: 'Select runs to compare',
  });
  return (picked ?? []).map((p) => p.id);
}
