import * as vscode from 'vscode';
import { dirname } from 'node:path';
import type { CompareRunSource } from '../../views/compare/compareStore';
import type { CommandHandlers } from '../../views/commands/commandIds';
import { REPORT_COMMANDS } from '../../views/commands/commandIds';
import { collectReport } from '../../views/report/reportModel';
import { localDataChanges } from '../../views/report/reportDataDiff';
import { reportFormatOf, writeReport } from '../../views/report/writeReport';
import type { Services } from '../services';
import { pickRuns, runKeysFromArgs } from '../commands/runPicker';

export interface ReportDeps {
  readonly services: Services;
  /** A run key (a local id, or a tracking server's run key) → where to read it. */
  readonly sourceForRun: (key: string) => CompareRunSource | undefined;
}

/**
 * "Export Report…": the chosen runs as one HTML file or Markdown with its
 * charts beside it (src/views/report, the same report as `runlens report`).
 */
export async function exportReport(deps: ReportDeps, keys: readonly string[]): Promise<vscode.Uri | undefined> {
  const targets = keys.map((k) => deps.sourceForRun(k)).filter((t): t is CompareRunSource => t !== undefined);
  if (targets.length === 0) {
    void vscode.window.showInformationMessage('RunLens: no run to report (the runs are gone, or their tracking server is not configured).');
    return undefined;
  }
  const folder = vscode.workspace.workspaceFolders?.[0];
  const uri = await vscode.window.showSaveDialog({
    ...(folder ? { defaultUri: vscode.Uri.joinPath(folder.uri, 'runlens-report.html') } : {}),
    filters: { 'HTML (one file)': ['html'], 'Markdown (charts beside it)': ['md'] },
    saveLabel: 'Export Report',
    title: `Export a report of ${targets.length} run${targets.length > 1 ? 's' : ''}`,
  });
  if (!uri) return undefined;
  const model = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'RunLens: building the report…' }, () => {
    const store = (id: string) => deps.services.stores.findRun(id)?.store;
    return collectReport(targets, {
      // The local store keeps each dataset version's column count; look it up in the store that holds one of the runs.
      columnsOf: (fp) => targets.map((t) => store(t.runId)?.datasets.getDataset(fp)?.columns).find((c) => c !== undefined && c !== null) ?? null,
      // A local run's data against the previous run of its config; a tracking server's runs have no snapshots to diff.
      dataChanges: async (d) => {
        const local = store(d.run.id);
        return local ? localDataChanges(local, dirname(local.paths.dir))(d) : undefined;
      },
      log: (line) => deps.services.logger.info(line),
    });
  });
  await writeReport(model, reportFormatOf(uri.fsPath), uri.fsPath);
  const choice = await vscode.window.showInformationMessage(`Saved ${vscode.workspace.asRelativePath(uri)}`, 'Open');
  if (choice === 'Open') await vscode.commands.executeCommand(uri.fsPath.endsWith('.html') ? 'vscode.open' : 'markdown.showPreview', uri);
  return uri;
}

/** The command: on the selected runs of the Runs view, on the keys the compare panel passes, or on runs picked. */
export function reportCommands(deps: ReportDeps): CommandHandlers<typeof REPORT_COMMANDS> {
  return {
    [REPORT_COMMANDS.exportReport]: async (arg, selected) => {
      try {
        let keys = Array.isArray(arg) && arg.every((k) => typeof k === 'string') ? (arg as string[]) : runKeysFromArgs(deps.services, arg, selected);
        if (keys.length === 0) keys = ((await pickRuns(deps.services, { title: 'Export a Report of Runs', many: true })) ?? []).map((p) => p.runId);
        if (keys.length > 0) await exportReport(deps, keys);
      } catch (e) {
        deps.services.logger.info(`report: ${(e as Error).message}`);
        void vscode.window.showErrorMessage(`RunLens: the report failed: ${(e as Error).message}`);
      }
    },
  };
}
