import type * as vscode from 'vscode';
import type { WorkspaceStores } from './store/workspaceStores';
import type { RunsTreeProvider } from './runs/runsTreeProvider';
import type { RunsViewState } from './runs/runsViewState';
import type { RunsNode } from '../views/runs/runsNodes';
import type { TrainingService } from './training/trainingService';
import type { Logger } from './logger';
import type { RunLensSettings } from './config';
import type { ClusterJobsService } from './compute/clusterJobsService';

/** What commands get from the composition root. */
export interface Services {
  readonly extensionUri: vscode.Uri;
  readonly stores: WorkspaceStores;
  readonly tree: RunsTreeProvider;
  readonly treeView: vscode.TreeView<RunsNode>;
  readonly viewState: RunsViewState;
  readonly training: TrainingService;
  /** Runs on a Slurm cluster: submit, sync, cancel. */
  readonly clusterJobs: ClusterJobsService;
  readonly logger: Logger;
  readonly settings: () => RunLensSettings;
  readonly compare: (runIds: readonly string[]) => void;
  readonly showRun: (runId: string) => Promise<void>;
}
