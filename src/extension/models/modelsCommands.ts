import * as vscode from 'vscode';
import { validateAliasName } from '../../core/registry/modelNames';
import type { RunStore } from '../../store/runStore';
import { pickRuns, runIdsFromArgs } from '../commands/runPicker';
import type { Services } from '../services';
import type { FolderStore } from '../store/workspaceStores';
import type { ServeService } from '../deploy/serveService';
import type { DeploySection } from '../../protocol/deploy';
import type { ModelsNode, ModelsTreeProvider, VersionNode } from './modelsTreeProvider';
import { isVersionNode } from './modelsTreeProvider';
import { pickModelName, pickVersion } from './modelPickers';
import { registrationProblem } from '../../views/models/registration';
import type { CommandHandlers } from '../../views/commands/commandIds';
import { MODELS_COMMANDS } from '../../views/commands/commandIds';

export interface ModelsCommandDeps {
  readonly services: Services;
  readonly tree: ModelsTreeProvider;
  readonly serve: ServeService;
  /** Opens the Deploy panel, on a version when given (`churn:3`), scrolled to a section. */
  readonly openDeploy: (ref?: string, section?: DeploySection) => void;
}


/** A version node with its folder's store, from a tree node or a quick pick. */
interface Target {
  readonly node: VersionNode;
  readonly folder: FolderStore;
  readonly store: RunStore;
}

function folderByKey(services: Services, key: string): FolderStore | undefined {
  return services.stores.folders.find((f) => f.folder.uri.toString() === key);
}

/** Context-menu, palette and test entry points of the Models view (`runlens.model.*`, `runlens.models.*`, `runlens.deploy.*`). */
export function modelsCommands(deps: ModelsCommandDeps): CommandHandlers<typeof MODELS_COMMANDS> {
  const { services, tree, serve } = deps;
  const target = async (arg: unknown, title: string): Promise<Target | undefined> => {
    const node = isVersionNode(arg) ? arg : await pickVersion(services.stores, title);
    if (!node) return undefined;
    const folder = folderByKey(services, node.folderKey);
    if (!folder?.store) throw new Error('the store of this model is not open');
    return { node, folder, store: folder.store };
  };
  const writable = (store: RunStore): boolean => {
    if (!store.readonly) return true;
    void vscode.window.showWarningMessage(vscode.workspace.isTrusted
      ? `RunLens cannot change the model registry: ${store.writeRefusal ?? 'its store is open read-only'}.`
      : 'RunLens: this workspace is not trusted, so its store is open read-only; trust it to change the model registry.');
    return false;
  };
  // the store's change hub sees the registry write too; the tree is shown again at once all the same
  const refresh = (): void => tree.refresh();
  /** Serve Locally, or Serve Image Locally (its newest built image in a container); resolves with the URL. */
  const serveVersion = async (arg: unknown, image: boolean): Promise<string | undefined> => {
    const t = await target(arg, `${image ? 'Serve Image Locally' : 'Serve Locally'}: choose a version`);
    if (!t) return undefined;
    const what = `${t.node.name} v${t.node.version}${image ? '\'s image' : ''}`;
    const server = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `RunLens: starting ${what}` },
      () => serve.start(t.folder, t.node.name, t.node.version, { image }));
    if (!server) return undefined;
    tree.refresh();
    void vscode.window.showInformationMessage(`RunLens: serving ${what} at ${server.url}/invocations`, 'Open Monitor', 'Copy URL').then((c) => {
      if (c === 'Open Monitor') deps.openDeploy(`${t.node.name}:${t.node.version}`, 'monitor');
      else if (c === 'Copy URL') void vscode.env.clipboard.writeText(server.url);
    });
    return server.url;
  };

  return {
    [MODELS_COMMANDS.refresh]: () => refresh(),

    /** From the Runs view (a run node), the palette (a run picker), or tests: (runId, name, alias). */
    [MODELS_COMMANDS.register]: async (arg?: unknown, nameArg?: unknown, aliasArg?: unknown) => {
      // From the palette (no argument) always ask, whatever is selected in the Runs view.
      let runId: string | undefined = arg !== undefined && arg !== null ? runIdsFromArgs(services, arg)[0] : undefined;
      if (!runId && (arg === undefined || arg === null)) {
        const picked = await pickRuns(services, { title: 'Register Model: choose the run whose model to register', many: false });
        runId = picked?.[0]?.runId;
      }
      if (!runId) return undefined;
      const folder = services.stores.findRun(runId);
      const store = folder?.store;
      if (!store) throw new Error(`run ${runId.slice(0, 8)} no longer exists`);
      const problem = registrationProblem(store, runId);
      if (problem) {
        void vscode.window.showWarningMessage(`RunLens: ${problem}.`);
        return undefined;
      }
      const run = store.getRun(runId);
      if (!writable(store)) return undefined;
      const name = typeof nameArg === 'string' ? nameArg : await pickModelName(store, run.name);
      if (!name) return undefined;
      const alias = typeof aliasArg === 'string' ? aliasArg : await vscode.window.showInputBox({
        title: `Register ${run.name} as ${name}: alias (optional)`,
        prompt: 'An alias such as production or staging points at this version (moved from another version if needed). Leave empty for none.',
        validateInput: (v) => aliasProblem(v, true),
      });
      if (alias === undefined) return undefined;
      const v = store.registry.registerModel(run.id, name, alias.trim() ? { alias: alias.trim() } : {});
      refresh();
      void vscode.window.showInformationMessage(`RunLens: registered run ${run.name} as ${v.name} v${v.version}${v.aliases.length ? ` @${v.aliases.join(' @')}` : ''}.`, 'Open Deploy Panel')
        .then((c) => c && deps.openDeploy(`${v.name}:${v.version}`));
      return v;
    },

    [MODELS_COMMANDS.setAlias]: async (arg?: unknown, aliasArg?: unknown) => {
      const t = await target(arg, 'Set Alias: choose a version');
      if (!t || !writable(t.store)) return;
      const alias = typeof aliasArg === 'string' ? aliasArg : await vscode.window.showInputBox({
        title: `Set an alias on ${t.node.name} v${t.node.version}`,
        prompt: 'e.g. production or staging; an alias on another version of this model moves here',
        validateInput: (v) => aliasProblem(v, false),
      });
      if (!alias?.trim()) return;
      t.store.registry.setModelAlias(t.node.name, t.node.version, alias.trim());
      refresh();
    },

    [MODELS_COMMANDS.removeAlias]: async (arg?: unknown, aliasArg?: unknown) => {
      const t = await target(arg, 'Remove Alias: choose a version');
      if (!t || !writable(t.store)) return;
      const aliases = t.store.registry.getModelVersion(t.node.name, t.node.version).aliases;
      if (aliases.length === 0) {
        void vscode.window.showInformationMessage(`RunLens: ${t.node.name} v${t.node.version} has no alias.`);
        return;
      }
      const alias = typeof aliasArg === 'string' ? aliasArg
        : aliases.length === 1 ? aliases[0] : await vscode.window.showQuickPick(aliases.map((a) => `@${a}`), { title: 'Remove which alias?' }).then((a) => a?.slice(1));
      if (!alias) return;
      t.store.registry.deleteModelAlias(t.node.name, alias);
      refresh();
    },

    [MODELS_COMMANDS.build]: async (arg?: unknown) => {
      const t = await target(arg, 'Build Image: choose a version');
      if (t) deps.openDeploy(`${t.node.name}:${t.node.version}`, 'build');
    },

    [MODELS_COMMANDS.serve]: (arg?: unknown) => serveVersion(arg, false),
    [MODELS_COMMANDS.serveImage]: (arg?: unknown) => serveVersion(arg, true),

    [MODELS_COMMANDS.stopServing]: async (arg?: unknown) => {
      const node = arg as ModelsNode | undefined;
      if (node?.kind === 'deployment') {
        const d = node.deployment;
        if (!(await serve.stop(node.folderKey, d.name, d.version))) {
          void vscode.window.showInformationMessage(`RunLens: ${d.url} was not started from this window${d.pid !== null ? ` (pid ${d.pid})` : ''}; stop it where it runs.`);
        }
        tree.refresh();
        return;
      }
      const running = serve.running;
      const t = isVersionNode(arg) ? await target(arg, '') : undefined;
      const pick = t ? serve.find(t.node.folderKey, t.node.name, t.node.version)
        : running.length <= 1 ? running[0]
          : await vscode.window.showQuickPick(running.map((s) => ({ label: `${s.name} v${s.version}`, description: s.url, s })), { title: 'Stop which model server?' }).then((p) => p?.s);
      if (!pick) {
        void vscode.window.showInformationMessage('RunLens: no model server started from this window is running.');
        return;
      }
      await serve.stop(pick.folderKey, pick.name, pick.version);
      tree.refresh();
    },

    [MODELS_COMMANDS.openRun]: async (arg?: unknown) => {
      const t = await target(arg, 'Open Source Run: choose a version');
      if (!t) return;
      const v = t.store.registry.getModelVersion(t.node.name, t.node.version);
      if (!v.runExists) {
        void vscode.window.showInformationMessage(`RunLens: run ${v.runName} of ${v.name} v${v.version} was deleted; the version keeps its model package.`);
        return;
      }
      await services.showRun(v.runId);
    },

    [MODELS_COMMANDS.deleteVersion]: async (arg?: unknown) => {
      const t = await target(arg, 'Delete Version: choose a version');
      if (!t || !writable(t.store)) return;
      const v = t.store.registry.getModelVersion(t.node.name, t.node.version);
      if (serve.find(t.node.folderKey, v.name, v.version)) throw new Error(`${v.name} v${v.version} is being served; stop it first`);
      const ok = await vscode.window.showWarningMessage(
        `Delete ${v.name} v${v.version}${v.aliases.length ? ` (@${v.aliases.join(' @')})` : ''}?`,
        { modal: true, detail: 'Its aliases, builds and deployment records go with it; the source run and the images already built stay. Version numbers are not reused.' },
        'Delete Version',
      );
      if (ok !== 'Delete Version') return;
      t.store.registry.deleteModelVersion(v.name, v.version);
      refresh();
    },

    [MODELS_COMMANDS.openBuildLog]: async (arg?: unknown) => {
      const node = arg as ModelsNode | undefined;
      if (node?.kind !== 'build') return;
      const b = node.build;
      const store = folderByKey(services, node.folderKey)?.store;
      if (!b.logSha256 || !store) {
        deps.openDeploy(`${b.name}:${b.version}`);
        return;
      }
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(store.artifactPath(b.logSha256)));
      await vscode.window.showTextDocument(doc, { preview: true });
    },

    [MODELS_COMMANDS.openDeploy]: (arg?: unknown) => {
      deps.openDeploy(isVersionNode(arg) ? `${arg.name}:${arg.version}` : typeof arg === 'string' ? arg : undefined);
    },

    [MODELS_COMMANDS.openMonitor]: (arg?: unknown) => {
      deps.openDeploy(typeof arg === 'string' ? arg : undefined, 'monitor');
    },
  };
}

function aliasProblem(value: string, optional: boolean): string | undefined {
  const v = value.trim();
  if (!v) return optional ? undefined : 'give an alias, e.g. production';
  try {
    validateAliasName(v);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
