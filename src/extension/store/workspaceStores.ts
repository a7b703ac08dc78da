import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { join, isAbsolute, resolve } from 'node:path';
import type { RunStore } from '../../store/runStore';
import type { Logger } from '../logger';
import type * as StoreModule from '../../store/runStore';

/** One workspace folder's store, opened lazily and watched for changes. */
export interface FolderStore {
  readonly folder: vscode.WorkspaceFolder;
  readonly dir: string;
  /** Undefined until the store exists (no run yet) or when it failed to open. */
  readonly store: RunStore | undefined;
  readonly error: string | undefined;
}

export interface WorkspaceStoresOptions {
  readonly logger: Logger;
  readonly storePath: () => string;
  readonly staleRunSeconds: () => number;
  /** Untrusted workspaces open their stores read-only. */
  readonly isTrusted: () => boolean;
  /** How often to check `PRAGMA data_version` for writes by other processes. */
  readonly pollMs?: number;
}

/** Loaded on first use, so activation does not pay for the native module. */
function loadRunStore(): typeof StoreModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../../store/runStore') as typeof StoreModule;
}

/**
 * Owns one RunStore per workspace folder (multi-root: one each), opened once
 * and closed on dispose. Notices writes by any process (the worker, the CLI
 * in a terminal, the Python helper) by polling `PRAGMA data_version`, which
 * costs one read of the WAL index, not a query over the data.
 */
export class WorkspaceStores implements vscode.Disposable {
  private readonly entries = new Map<string, { folder: vscode.WorkspaceFolder; dir: string; store?: RunStore; error?: string; version?: number }>();
  private readonly changeEmitter = new vscode.EventEmitter<FolderStore>();
  private readonly foldersEmitter = new vscode.EventEmitter<void>();
  /** A store's content changed (any writer), or it appeared. */
  readonly onDidChange = this.changeEmitter.event;
  /** Folders were added or removed, or stores re-opened. */
  readonly onDidChangeFolders = this.foldersEmitter.event;
  private readonly timer: NodeJS.Timeout;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly options: WorkspaceStoresOptions) {
    this.syncFolders();
    this.disposables.push(
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.reopenAll()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.reopenAll()),
      this.changeEmitter,
      this.foldersEmitter,
    );
    this.timer = setInterval(() => this.poll(), options.pollMs ?? 400);
  }

  get folders(): FolderStore[] {
    return [...this.entries.values()].map((e) => ({ folder: e.folder, dir: e.dir, store: e.store, error: e.error }));
  }

  /** The store of the folder containing `uri`, or of the first folder. */
  forUri(uri?: vscode.Uri): FolderStore | undefined {
    const folder = uri ? vscode.workspace.getWorkspaceFolder(uri) : undefined;
    const key = folder?.uri.toString() ?? [...this.entries.keys()][0];
    if (!key) return undefined;
    const e = this.entries.get(key);
    return e && { folder: e.folder, dir: e.dir, store: e.store, error: e.error };
  }

  /** The folder store that holds a run with this id. */
  findRun(runId: string): FolderStore | undefined {
    for (const f of this.folders) {
      if (f.store?.findRun(runId)) return f;
    }
    return undefined;
  }

  /** Opens (creating when `create`) the store of a folder, e.g. before a write. */
  open(folder: vscode.WorkspaceFolder, create = false): RunStore | undefined {
    const e = this.entries.get(folder.uri.toString());
    if (!e) return undefined;
    if (!e.store) this.tryOpen(e, create);
    return e.store;
  }

  /** Re-checks every store now (after our own writes, or a refresh). */
  refresh(): void {
    for (const e of this.entries.values()) {
      if (!e.store) this.tryOpen(e, false);
      this.changeEmitter.fire({ folder: e.folder, dir: e.dir, store: e.store, error: e.error });
    }
  }

  private storeDir(folder: vscode.WorkspaceFolder): string {
    const p = this.options.storePath() || '.runlens';
    return isAbsolute(p) ? p : resolve(folder.uri.fsPath, p);
  }

  private syncFolders(): void {
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      const key = folder.uri.toString();
      if (this.entries.has(key)) continue;
      const entry = { folder, dir: this.storeDir(folder) } as { folder: vscode.WorkspaceFolder; dir: string; store?: RunStore; error?: string; version?: number };
      this.entries.set(key, entry);
      this.tryOpen(entry, false);
    }
  }

  private reopenAll(): void {
    for (const e of this.entries.values()) e.store?.close();
    this.entries.clear();
    this.syncFolders();
    this.foldersEmitter.fire();
  }

  private tryOpen(e: { folder: vscode.WorkspaceFolder; dir: string; store?: RunStore; error?: string; version?: number }, create: boolean): void {
    if (e.store) return;
    if (!create && !existsSync(join(e.dir, 'store.db'))) return;
    const readonly = !this.options.isTrusted();
    if (readonly && create) return;
    try {
      const { RunStore } = loadRunStore();
      e.store = RunStore.open(e.dir, { readonly, staleAfterMs: this.options.staleRunSeconds() * 1000 });
      e.error = undefined;
      e.version = e.store.dataVersion();
      this.options.logger.info(`opened store ${e.dir}${readonly ? ' (read-only: untrusted workspace)' : ''}`);
    } catch (err) {
      e.error = describeOpenError(err);
      this.options.logger.error(`could not open the store ${e.dir}`, err);
    }
  }

  private poll(): void {
    for (const e of this.entries.values()) {
      if (!e.store) {
        if (!e.error && existsSync(join(e.dir, 'store.db'))) {
          this.tryOpen(e, false);
          if (e.store) this.changeEmitter.fire({ folder: e.folder, dir: e.dir, store: e.store, error: e.error });
        }
        continue;
      }
      try {
        const v = e.store.dataVersion();
        if (v !== e.version) {
          e.version = v;
          this.changeEmitter.fire({ folder: e.folder, dir: e.dir, store: e.store, error: e.error });
        }
      } catch (err) {
        // Busy or locked (another process checkpointing or recovering the WAL): asked again at the next poll.
        // Closing the store for that would leave every view on it empty until a reload.
        if (isTransient(err)) continue;
        this.options.logger.error(`store ${e.dir} became unreadable`, err);
        e.store.close();
        e.store = undefined;
        e.error = describeOpenError(err);
      }
    }
  }

  dispose(): void {
    clearInterval(this.timer);
    for (const e of this.entries.values()) e.store?.close();
    this.entries.clear();
    for (const d of this.disposables) d.dispose();
  }
}

/** SQLite's "try again" errors: another connection holds a lock for a moment. */
function isTransient(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code);
}

/** A one-line reason for a store that would not open, native-module mismatches spelled out. */
export function describeOpenError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/NODE_MODULE_VERSION|was compiled against a different Node\.js version|invalid ELF header|wrong ELF class|better_sqlite3\.node/.test(message)) {
    return `RunLens's SQLite module (better-sqlite3) was built for another runtime than this editor's (${process.versions.electron ? `Electron ${process.versions.electron}` : `Node ${process.version}`}, ABI ${process.versions.modules}). Install the RunLens VSIX built for your platform (see the README: "Packaging for a platform").`;
  }
  return message;
}
