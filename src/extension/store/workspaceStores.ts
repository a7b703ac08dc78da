import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { join, isAbsolute, resolve } from 'node:path';
import type { RunStore } from '../../store/runStore';
import { StoreChangeHub } from '../../store/changes/storeChangeHub';
import type { StoreChange } from '../../store/changes/storeSnapshot';
import { LocalRunSource } from '../../tracking/localRunSource';
import type { RunSource } from '../../tracking/runSource';
import type { Logger } from '../logger';
import type * as StoreModule from '../../store/runStore';
import type * as StoreCheckModule from '../../store/storeCheck';

/** One workspace folder's store, opened lazily and watched for changes. */
export interface FolderStore {
  readonly folder: vscode.WorkspaceFolder;
  readonly dir: string;
  /** Undefined until the store exists (no run yet) or when it failed to open. */
  readonly store: RunStore | undefined;
  /** The store behind the one read interface the views use (undefined while `store` is). */
  readonly source: RunSource | undefined;
  readonly error: string | undefined;
}

/** A folder's store changed: `change` says what its hub saw; undefined when the store appeared, re-opened or failed. */
export interface FolderStoreChange extends FolderStore {
  readonly change?: StoreChange;
}

export interface WorkspaceStoresOptions {
  readonly logger: Logger;
  readonly storePath: () => string;
  readonly staleRunSeconds: () => number;
  /** Untrusted workspaces open their stores read-only. */
  readonly isTrusted: () => boolean;
  /** How often each store's change hub looks for commits (default: the hub's). */
  readonly pollMs?: number;
  /** How often a folder without a store looks for one another process created. */
  readonly appearMs?: number;
}

/** Loaded on first use, so activation does not pay for the native module. */
function loadRunStore(): typeof StoreModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../../store/runStore') as typeof StoreModule;
}

function loadStoreCheck(): typeof StoreCheckModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../../store/storeCheck') as typeof StoreCheckModule;
}

/** A folder's entry: its store once open, the reason it is not, and whether a check of it is running. */
interface Entry {
  folder: vscode.WorkspaceFolder;
  dir: string;
  store?: RunStore;
  /** The store's change hub and read source, made when it opens and dropped when it closes. */
  hub?: StoreChangeHub;
  source?: LocalRunSource;
  error?: string;
  /** The off-thread check of an existing store.db is running (its store opens when it answers). */
  checking?: boolean;
  /** Bumped when the entry is replaced, so a late check answer is dropped. */
  generation: number;
}

/** Shown while a store is being checked and a command needs it now. */
const CHECKING = 'RunLens is still checking this store; try again in a moment';

function view(e: Entry): FolderStore {
  return { folder: e.folder, dir: e.dir, store: e.store, source: e.source, error: e.error };
}

/**
 * Owns one RunStore per workspace folder (multi-root: one each), opened once
 * and closed on dispose, each with its {@link StoreChangeHub}: the hub sees
 * a commit by any process (the worker, the CLI in a terminal, the Python
 * helper, this window's own writes) and this class turns its typed events
 * into `onDidChange`, the one store-change event every view listens to.
 * Views keep no timers of their own for store changes.
 *
 * An existing store.db is first opened and checked on a worker thread
 * (storeCheck.ts: the file checks, the shape check before any other query,
 * quick_check when the file changed), so a crafted or damaged store from a
 * cloned repository can neither hang nor stall the extension host. Only a
 * store that passed is then opened here, with the worker's quick_check result
 * (not run again); its shape is checked once more before anything else (a
 * read of sqlite_master, about forty rows). After that, the views' queries
 * run on this thread: the shape check guarantees they meet only RunLens's own
 * tables and indexes (no view or trigger), so each costs what the data's size
 * costs, as before.
 */
export class WorkspaceStores implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private generation = 0;
  private readonly changeEmitter = new vscode.EventEmitter<FolderStoreChange>();
  private readonly foldersEmitter = new vscode.EventEmitter<void>();
  /** A store's content changed (any writer; one event per hub tick, typed), or it appeared. */
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
    this.timer = setInterval(() => this.lookForNewStores(), options.appearMs ?? 400);
  }

  get folders(): FolderStore[] {
    return [...this.entries.values()].map(view);
  }

  /** The store of the folder containing `uri`, or of the first folder. */
  forUri(uri?: vscode.Uri): FolderStore | undefined {
    const folder = uri ? vscode.workspace.getWorkspaceFolder(uri) : undefined;
    const key = folder?.uri.toString() ?? [...this.entries.keys()][0];
    if (!key) return undefined;
    const e = this.entries.get(key);
    return e && view(e);
  }

  /** The folder store that holds a run with this id. */
  findRun(runId: string): FolderStore | undefined {
    for (const f of this.folders) {
      if (f.store?.findRun(runId)) return f;
    }
    return undefined;
  }

  /**
   * The store of a folder, e.g. before a write; with `create`, a new store
   * when the folder has none. An existing store.db not yet checked is checked
   * off-thread first: undefined (with `error` saying so) until it answers.
   */
  open(folder: vscode.WorkspaceFolder, create = false): RunStore | undefined {
    const e = this.entries.get(folder.uri.toString());
    if (!e) return undefined;
    if (!e.store) this.tryOpen(e, create);
    return e.store;
  }

  /**
   * Looks now instead of at the next tick (the user's Refresh): each hub
   * coalesces the calls into one look, and emits only if something changed.
   * Not needed after the editor's own writes: the hubs see those too.
   */
  refresh(): void {
    for (const e of this.entries.values()) {
      if (!e.store) this.tryOpen(e, false);
      else e.hub?.pollNow();
    }
  }

  /** Resolves once no store check is running (tests, and callers that want the first answer). */
  async whenChecked(): Promise<void> {
    while ([...this.entries.values()].some((e) => e.checking)) {
      await new Promise<void>((resolve) => {
        const sub = this.changeEmitter.event(() => {
          sub.dispose();
          resolve();
        });
      });
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
      const entry: Entry = { folder, dir: this.storeDir(folder), generation: ++this.generation };
      this.entries.set(key, entry);
      this.tryOpen(entry, false);
    }
  }

  private reopenAll(): void {
    for (const e of this.entries.values()) this.closeStore(e);
    this.entries.clear();
    this.syncFolders();
    this.foldersEmitter.fire();
  }

  private tryOpen(e: Entry, create: boolean): void {
    if (e.store) return;
    const readonly = !this.options.isTrusted();
    if (!existsSync(join(e.dir, 'store.db'))) {
      // Nothing there yet: a new store holds only what we write, so it is made here, at once.
      if (create && !readonly) this.openChecked(e, { damage: undefined }, false);
      return;
    }
    if (e.checking) {
      e.error = CHECKING;
      return;
    }
    e.checking = true;
    e.error = CHECKING;
    const generation = e.generation;
    const staleAfterMs = this.options.staleRunSeconds() * 1000;
    void loadStoreCheck()
      .checkStoreOffThread({ dir: e.dir, readonly, staleAfterMs })
      .then((result) => {
        if (this.entries.get(e.folder.uri.toString())?.generation !== generation) return; // replaced meanwhile
        e.checking = false;
        if (result.ok) {
          this.openChecked(e, { damage: result.damage }, readonly);
        } else {
          e.error = result.error;
          this.options.logger.error(`could not open the store ${e.dir}: ${result.error}`);
        }
        this.changeEmitter.fire(view(e));
        this.foldersEmitter.fire();
      });
  }

  /** Opens on this thread a store the worker has checked (or a new one), with the worker's quick_check result. */
  private openChecked(e: Entry, checked: { damage: string | undefined }, readonly: boolean): void {
    try {
      const { RunStore } = loadRunStore();
      e.store = RunStore.open(e.dir, { readonly, staleAfterMs: this.options.staleRunSeconds() * 1000, checked });
      e.error = e.store.damage !== undefined ? e.store.writeRefusal : undefined;
      e.source = new LocalRunSource(e.store);
      try {
        e.hub = this.hubFor(e, e.store);
      } catch (err) {
        // A damaged store may fail the hub's first snapshot: its views still show what reads, without live updates.
        this.options.logger.error(`store ${e.dir}: changes by other processes will not show until a reload`, err);
      }
      const mode = readonly ? ' (read-only: untrusted workspace)' : e.store.writeRefusal ? ` (read-only: ${e.store.writeRefusal})` : '';
      this.options.logger.info(`opened store ${e.dir}${mode}`);
    } catch (err) {
      e.error = describeOpenError(err);
      this.options.logger.error(`could not open the store ${e.dir}`, err);
    }
  }

  /**
   * The store's hub, its events forwarded as `onDidChange`. Busy or locked
   * reads (another process checkpointing the WAL) are retried by the hub;
   * any other failure closes the store, which its views then say.
   */
  private hubFor(e: Entry, store: RunStore): StoreChangeHub {
    const hub = new StoreChangeHub(store.changes, {
      pollMs: this.options.pollMs,
      onError: (err) => {
        if (e.store !== store) return;
        this.options.logger.error(`store ${e.dir} became unreadable`, err);
        this.closeStore(e);
        e.error = describeOpenError(err);
        this.changeEmitter.fire(view(e));
      },
      onListenerError: (err) => this.options.logger.error(`a view failed on a change of ${e.dir}`, err),
    });
    hub.onDidChange((change) => this.changeEmitter.fire({ ...view(e), change }));
    return hub;
  }

  private closeStore(e: Entry): void {
    e.hub?.dispose();
    e.store?.close();
    e.hub = undefined;
    e.source = undefined;
    e.store = undefined;
  }

  /** A store.db that appeared (another process created it): checked off-thread, opened when it answers. */
  private lookForNewStores(): void {
    for (const e of this.entries.values()) {
      if (!e.store && !e.error && !e.checking && existsSync(join(e.dir, 'store.db'))) this.tryOpen(e, false);
    }
  }

  dispose(): void {
    clearInterval(this.timer);
    for (const e of this.entries.values()) this.closeStore(e);
    this.entries.clear();
    for (const d of this.disposables) d.dispose();
  }
}

/** A one-line reason for a store that would not open, native-module mismatches spelled out. */
export function describeOpenError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/NODE_MODULE_VERSION|was compiled against a different Node\.js version|invalid ELF header|wrong ELF class|better_sqlite3\.node/.test(message)) {
    return `RunLens's SQLite module (better-sqlite3) was built for another runtime than this editor's (${process.versions.electron ? `Electron ${process.versions.electron}` : `Node ${process.version}`}, ABI ${process.versions.modules}). Install the RunLens VSIX built for your platform (see the README: "Packaging for a platform").`;
  }
  return message;
}
