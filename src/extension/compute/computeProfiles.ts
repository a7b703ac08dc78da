import * as vscode from 'vscode';
import type { ComputeProfile, SlurmProfile } from '../../core/compute/computeProfile';
import type * as LoadTrainConfigModule from '../../worker/loadTrainConfig';
import type * as LoadProfilesModule from '../../compute/profiles/loadProfiles';
import type { Logger } from '../logger';

function loadTrainConfigModule(): typeof LoadTrainConfigModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../../worker/loadTrainConfig') as typeof LoadTrainConfigModule;
}

function loadProfilesModule(): typeof LoadProfilesModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../../compute/profiles/loadProfiles') as typeof LoadProfilesModule;
}

export interface ComputeProfilesOptions {
  readonly logger: Logger;
  /** The `runlens.compute` setting as written (personal profiles); checked by loadComputeProfiles. */
  readonly personal: () => unknown;
}

/** A workspace folder's profiles and what was wrong in them. */
export interface FolderProfiles {
  readonly profiles: ReadonlyMap<string, ComputeProfile>;
  readonly issues: readonly string[];
  /** Names written with errors: using one fails with them instead of "unknown". */
  readonly invalid: ReadonlyMap<string, readonly string[]>;
}

const NONE: FolderProfiles = { profiles: new Map(), issues: [], invalid: new Map() };

/**
 * The compute profiles of each workspace folder: its `runlens.yaml`
 * (`compute:`) plus the `runlens.compute` setting. Read on first use and
 * again when runlens.yaml or the setting changes; the CodeLens provider
 * redraws on {@link onDidChange}.
 */
export class ComputeProfiles implements vscode.Disposable {
  private readonly cache = new Map<string, FolderProfiles>();
  private readonly told = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];

  constructor(private readonly options: ComputeProfilesOptions) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/runlens.yaml');
    this.disposables.push(
      watcher,
      watcher.onDidCreate(() => this.reload()),
      watcher.onDidChange(() => this.reload()),
      watcher.onDidDelete(() => this.reload()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('runlens.compute')) this.reload();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.reload()),
    );
  }

  /** Profiles for the folder holding `uri` (none outside a folder). Problems go to the log once each. */
  forUri(uri: vscode.Uri): FolderProfiles {
    const folder = vscode.workspace.getWorkspaceFolder(uri) ?? vscode.workspace.workspaceFolders?.[0];
    if (!folder) return NONE;
    const key = folder.uri.toString();
    let entry = this.cache.get(key);
    if (!entry) {
      entry = this.read(folder);
      this.cache.set(key, entry);
    }
    return entry;
  }

  /** One profile by name (as `--on NAME` picks it), or an error that names where profiles come from. */
  resolve(uri: vscode.Uri, name: string): ComputeProfile {
    const { profiles, invalid } = this.forUri(uri);
    return loadProfilesModule().resolveComputeProfile({ profiles, invalid, on: name });
  }

  /**
   * The cluster profile a config's own `compute:` names or writes inline, as `runlens train CONFIG` resolves it;
   * undefined when the config has none, names `local`, or cannot be read (training it then says why). Throws on
   * a name no profile has.
   */
  ofConfig(uri: vscode.Uri): SlurmProfile | undefined {
    let compute: unknown;
    try {
      compute = loadTrainConfigModule().loadTrainConfig(uri.fsPath).compute;
    } catch {
      return undefined;
    }
    if (compute === undefined) return undefined;
    const { profiles, invalid } = this.forUri(uri);
    const profile = loadProfilesModule().resolveComputeProfile({ profiles, invalid, configCompute: compute, configFile: uri.fsPath });
    return profile.backend === 'slurm' ? profile : undefined;
  }

  private read(folder: vscode.WorkspaceFolder): FolderProfiles {
    try {
      const { profiles, issues, notes, invalid } = loadProfilesModule().loadComputeProfiles({ workspaceRoot: folder.uri.fsPath, personal: this.options.personal() });
      this.tell(folder, [...issues, ...notes].join('\n'));
      return { profiles, issues, invalid };
    } catch (e) {
      const message = (e as Error).message;
      this.tell(folder, message);
      return { profiles: new Map(), issues: [message], invalid: new Map() };
    }
  }

  /** Logs a folder's profile problems when they differ from what was logged last. */
  private tell(folder: vscode.WorkspaceFolder, text: string): void {
    const key = folder.uri.toString();
    if ((this.told.get(key) ?? '') === text) return;
    this.told.set(key, text);
    if (text) this.options.logger.warn(`compute profiles of ${folder.name}: ${text}`);
  }

  private reload(): void {
    this.cache.clear();
    this.emitter.fire();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
