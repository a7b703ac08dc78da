import * as vscode from 'vscode';
import { jobsStatusText, type JobCounts } from '../../views/compute/clusterRunText';
import { COMPUTE_COMMANDS } from '../../views/commands/commandIds';

/**
 * The "Jobs" status bar item: `$(server-process) 1 queued · 2 running` while
 * cluster runs are live, hidden when none; a click lists them.
 */
export class JobsStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor() {
    this.item = vscode.window.createStatusBarItem('runlens.jobs', vscode.StatusBarAlignment.Left, 49);
    this.item.name = 'RunLens Jobs';
    this.item.command = COMPUTE_COMMANDS.showJobs;
  }

  /** The text shown now, undefined while hidden (for tests). */
  get text(): string | undefined {
    return this.shown;
  }

  private shown: string | undefined;

  update(counts: JobCounts): void {
    const text = jobsStatusText(counts);
    if (text === this.shown) return;
    this.shown = text;
    if (!text) {
      this.item.hide();
      return;
    }
    this.item.text = text;
    this.item.tooltip = `RunLens: cluster runs in Slurm (${counts.queued} queued, ${counts.running} running). Click to list them.`;
    this.item.accessibilityInformation = { label: `RunLens jobs: ${counts.queued} queued, ${counts.running} running` };
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
