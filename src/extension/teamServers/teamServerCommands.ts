import * as vscode from 'vscode';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, resolve, sep } from 'node:path';
import { normalizeServerUri } from '../../mlflow/client/mlflowHttp';
import type { RunStore } from '../../store/runStore';
import { pushRuns } from '../../tracking/push/pushRuns';
import type { PushSummary } from '../../tracking/push/pushTypes';
import { plural } from '../../core/util/plural';
import { pullSummaryText, pushSummaryText } from '../../views/teamServers/syncSummaries';
import type * as PullModule from '../../tracking/pull/pullRuns';
import { pickRuns, runIdsFromArgs } from '../commands/runPicker';
import type { RunsNode } from '../../views/runs/runsNodes';
import { isRemoteRunNode } from '../../views/runs/runsNodes';
import type { Services } from '../services';
import { remoteUri } from './remoteDocuments';
import type { ServerEntry, TeamServers } from './teamServers';
import type { CommandHandlers } from '../../views/commands/commandIds';
import { TEAM_SERVER_COMMANDS } from '../../views/commands/commandIds';


export interface TeamServerCommandDeps {
  readonly services: Services;
  readonly servers: TeamServers;
}

/** Artifacts opened as text in the editor; anything else (or over 20 MiB) is downloaded and opened by VS Code. */
const TEXT_ARTIFACT = /\.(json|txt|log|csv|md|ya?ml|py|MLmodel)$|(^|\/)MLmodel$/i;

function loadPull(): typeof PullModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../../tracking/pull/pullRuns') as typeof PullModule;
}

/** The team-server commands: add a server, its credentials, retry, push runs, and the remote run's menu. */
export function teamServerCommands(deps: TeamServerCommandDeps): CommandHandlers<typeof TEAM_SERVER_COMMANDS> {
  const { services, servers } = deps;

  const entryOf = (arg: unknown): ServerEntry | undefined => {
    const node = arg as RunsNode | undefined;
    return node && typeof node === 'object' && 'server' in node ? servers.entry(node.server) : undefined;
  };

  const pickServer = async (title: string): Promise<ServerEntry | undefined> => {
    await servers.whenLoaded();
    const list = servers.servers;
    if (list.length === 0) {
      const choice = await vscode.window.showInformationMessage('RunLens: no tracking server is configured (runlens.trackingServers or MLFLOW_TRACKING_URI).', 'Add Tracking Server…');
      if (choice) await vscode.commands.executeCommand(TEAM_SERVER_COMMANDS.add);
      return undefined;
    }
    if (list.length === 1) return list[0];
    const picked = await vscode.window.showQuickPick(
      list.map((e) => ({ label: `$(server) ${e.server.name}`, description: e.server.uri, detail: e.server.origin === 'env' ? 'from MLFLOW_TRACKING_URI' : undefined, e })),
      { title },
    );
    return picked?.e;
  };

  return {
    [TEAM_SERVER_COMMANDS.add]: async () => {
      const taken = new Set(servers.servers.map((e) => e.server.name));
      const name = await vscode.window.showInputBox({
        title: 'Add Tracking Server (1/2): name',
        prompt: 'Shown in the Runs view; runlens.logTo names the server by it',
        validateInput: (v) => (!v.trim() ? 'Give the server a name' : taken.has(v.trim()) ? `"${v.trim()}" is taken` : undefined),
      });
      if (name === undefined) return;
      const uri = await vscode.window.showInputBox({
        title: 'Add Tracking Server (2/2): URI',
        placeHolder: 'https://mlflow.example.com',
        prompt: 'The MLflow tracking server (credentials are set separately, never in the URI)',
        validateInput: (v) => {
          try {
            normalizeServerUri(v);
            return undefined;
          } catch (e) {
            return (e as Error).message;
          }
        },
      });
      if (uri === undefined) return;
      const targets = [
        ...(vscode.workspace.workspaceFolders?.length ? [{ label: 'Workspace settings', description: 'for everyone who opens this workspace', target: vscode.ConfigurationTarget.Workspace }] : []),
        { label: 'User settings', description: 'for you, in every workspace', target: vscode.ConfigurationTarget.Global },
      ];
      const where = targets.length === 1 ? targets[0] : await vscode.window.showQuickPick(targets, { title: 'Add Tracking Server: save it in' });
      if (!where) return;
      const config = vscode.workspace.getConfiguration('runlens');
      const inspected = config.inspect<unknown[]>('trackingServers');
      const current = (where.target === vscode.ConfigurationTarget.Global ? inspected?.globalValue : inspected?.workspaceValue) ?? [];
      await config.update('trackingServers', [...(Array.isArray(current) ? current : []), { name: name.trim(), uri: normalizeServerUri(uri) }], where.target);
      const choice = await vscode.window.showInformationMessage(`RunLens: added the tracking server ${name.trim()} (${normalizeServerUri(uri)}) to the Runs view.`, 'Set Credentials…');
      if (choice) await vscode.commands.executeCommand(TEAM_SERVER_COMMANDS.setCredentials, normalizeServerUri(uri));
    },

    [TEAM_SERVER_COMMANDS.setCredentials]: async (arg) => {
      await servers.whenLoaded();
      const entry = typeof arg === 'string' ? servers.entry(arg) ?? servers.find(arg) : entryOf(arg) ?? (await pickServer('Set Tracking Server Credentials'));
      if (!entry) return;
      const kind = await vscode.window.showQuickPick([
        { label: '$(key) Token', description: 'sent as Authorization: Bearer (MLFLOW_TRACKING_TOKEN)', choice: 'token' as const },
        { label: '$(account) User name and password', description: 'basic auth (MLFLOW_TRACKING_USERNAME/PASSWORD)', choice: 'basic' as const },
        { label: '$(trash) Remove stored credentials', choice: 'remove' as const },
      ], { title: `Credentials for ${entry.server.name}`, placeHolder: servers.environmentCredentials ? 'Note: MLflow\'s credential variables are set in the environment and are used instead' : 'Kept in VS Code\'s secret storage, never in settings' });
      if (!kind) return;
      if (kind.choice === 'remove') {
        await servers.storeCredentials(entry.server.uri, undefined);
        void vscode.window.showInformationMessage(`RunLens: removed the stored credentials of ${entry.server.name}.`);
        return;
      }
      if (kind.choice === 'token') {
        const token = await vscode.window.showInputBox({ title: `Token for ${entry.server.name}`, password: true, ignoreFocusOut: true, validateInput: (v) => (v ? undefined : 'Paste the token') });
        if (token === undefined) return;
        await servers.storeCredentials(entry.server.uri, { token });
      } else {
        const username = await vscode.window.showInputBox({ title: `User name for ${entry.server.name}`, ignoreFocusOut: true });
        if (username === undefined) return;
        const password = await vscode.window.showInputBox({ title: `Password for ${username} on ${entry.server.name}`, password: true, ignoreFocusOut: true });
        if (password === undefined) return;
        await servers.storeCredentials(entry.server.uri, { username, password });
      }
      void vscode.window.showInformationMessage(`RunLens: credentials of ${entry.server.name} stored in VS Code's secret storage${servers.environmentCredentials ? ' (MLflow\'s environment variables are set and are used instead)' : ''}.`);
    },

    [TEAM_SERVER_COMMANDS.retry]: (arg) => {
      const entry = entryOf(arg);
      if (entry) entry.model.retry();
      else servers.retryAll();
    },

    [TEAM_SERVER_COMMANDS.pushRun]: async (arg, selected) => {
      let ids = runIdsFromArgs(services, arg, selected);
      if (ids.length === 0) ids = (await pickRuns(services, { title: 'Push to Team Server: pick runs', many: true }))?.map((p) => p.runId) ?? [];
      if (ids.length === 0) return;
      const byStore = new Map<RunStore, string[]>();
      for (const id of ids) {
        const store = services.stores.findRun(id)?.store;
        if (!store) continue;
        if (store.readonly) {
          void vscode.window.showWarningMessage(vscode.workspace.isTrusted
            ? `RunLens cannot push from this store: ${store.writeRefusal ?? 'it is open read-only'} (a push records what it sent in the store).`
            : 'RunLens does not push from an untrusted workspace. Trust the workspace first.');
          return;
        }
        byStore.set(store, [...(byStore.get(store) ?? []), id]);
      }
      if (byStore.size === 0) return;
      const entry = await pickServer(`Push ${plural(ids.length, 'run')} to`);
      if (!entry) return;
      const client = await servers.writeClient(entry.server);
      const total = { cancelled: false, summaries: [] as PushSummary[] };
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `RunLens: pushing to ${entry.server.name}`, cancellable: true },
        async (progress, token) => {
          const controller = new AbortController();
          token.onCancellationRequested(() => controller.abort(new Error('cancelled')));
          for (const [store, storeIds] of byStore) {
            try {
              total.summaries.push(await pushRuns(storeIds, {
                source: store, ledger: store.sync, client, signal: controller.signal,
                onRun: (done, n, run) => progress.report({ message: `${done}/${n} ${run.name}`, increment: 100 / n / byStore.size }),
              }));
            } catch (e) {
              if (!controller.signal.aborted) throw e;
              total.cancelled = true;
              return;
            }
          }
        },
      );
      services.logger.info(`push to ${entry.server.uri}: ${total.summaries.map((s) => JSON.stringify({ ...s, failures: s.failures.length })).join(' ')}`);
      entry.model.retry();
      if (total.cancelled) {
        void vscode.window.showInformationMessage(`RunLens: push to ${entry.server.name} cancelled; what was sent is recorded and the next push sends the rest.`);
        return;
      }
      const merged = total.summaries.reduce((a, s) => {
        for (const k of ['runsCreated', 'runsUpdated', 'runsUnchanged', 'params', 'tags', 'points', 'artifacts', 'bytes', 'requests'] as const) a[k] += s[k];
        a.failures.push(...s.failures);
        return a;
      });
      const text = pushSummaryText(merged, entry.server.name);
      if (merged.failures.length === 0) {
        void vscode.window.showInformationMessage(`RunLens: ${text}.`);
        return;
      }
      for (const f of merged.failures) services.logger.warn(`push of run ${f.runId} to ${entry.server.uri} failed: ${f.message}`);
      void vscode.window.showWarningMessage(`RunLens: ${text}; ${plural(merged.failures.length, 'run')} not pushed: ${merged.failures[0]!.message}`, 'Show Logs').then((c) => c && services.logger.show());
    },

    [TEAM_SERVER_COMMANDS.pullRemoteRun]: async (arg, selected) => {
      const nodes = (Array.isArray(selected) && selected.length > 0 ? selected : [arg]) as RunsNode[];
      const runs = nodes.filter(isRemoteRunNode);
      const exp = nodes.find((n): n is Extract<RunsNode, { kind: 'remoteExperiment' }> => n?.kind === 'remoteExperiment');
      const entry = servers.entry(runs[0]?.server ?? exp?.server ?? '');
      if (!entry) return;
      if (!vscode.workspace.isTrusted) {
        void vscode.window.showWarningMessage('RunLens does not pull into an untrusted workspace. Trust the workspace first.');
        return;
      }
      const folders = vscode.workspace.workspaceFolders ?? [];
      const folder = folders.length <= 1 ? folders[0] : (await vscode.window.showQuickPick(folders.map((f) => ({ label: f.name, f })), { title: 'Pull into which folder\'s store?' }))?.f;
      if (!folder) {
        if (folders.length === 0) void vscode.window.showErrorMessage('RunLens needs a workspace folder to keep its store in. Open a folder first.');
        return;
      }
      const store = services.stores.open(folder, true);
      if (!store || store.readonly) {
        void vscode.window.showErrorMessage(`RunLens cannot write to the store: ${store?.writeRefusal ?? services.stores.forUri(folder.uri)?.error ?? 'it did not open'}.`);
        return;
      }
      const ids = [...new Set(runs.map((n) => n.runId))];
      const what = ids.length > 0 ? plural(ids.length, 'run') : `experiment ${exp!.name}`;
      const client = await servers.writeClient(entry.server);
      let cancelled = false;
      const summary = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `RunLens: pulling ${what} from ${entry.server.name}`, cancellable: true },
        async (progress, token) => {
          const controller = new AbortController();
          token.onCancellationRequested(() => controller.abort(new Error('cancelled')));
          try {
            return await loadPull().pullRuns({
              store, client, signal: controller.signal,
              ...(ids.length > 0 ? { filter: `attributes.id IN (${ids.map((id) => `'${id}'`).join(', ')})` } : { experiment: exp!.name }),
              onRun: (p) => progress.report({ message: `${p.done}/${p.total} ${p.name} (${p.outcome})`, increment: 100 / p.total }),
            });
          } catch (e) {
            if (!controller.signal.aborted) throw e;
            cancelled = true;
            return undefined;
          }
        },
      );
      if (cancelled || !summary) {
        void vscode.window.showInformationMessage(`RunLens: pull from ${entry.server.name} cancelled; the runs it brought are kept, the next pull brings the rest.`);
        return;
      }
      services.logger.info(`pull from ${entry.server.uri}: ${pullSummaryText(summary, entry.server.uri)}`);
      for (const w of summary.warnings) services.logger.warn(`pull: ${w}`);
      for (const f of summary.failures) services.logger.warn(`pull of run ${f.remoteRunId} failed: ${f.message}`);
      const text = pullSummaryText(summary, entry.server.name);
      if (summary.failures.length === 0) void vscode.window.showInformationMessage(`RunLens: ${text}.`);
      else void vscode.window.showWarningMessage(`RunLens: ${text}; ${plural(summary.failures.length, 'run')} not pulled: ${summary.failures[0]!.message}`, 'Show Logs').then((c) => c && services.logger.show());
    },

    [TEAM_SERVER_COMMANDS.remoteRunDetails]: async (arg, selected) => {
      const node = [arg, ...(Array.isArray(selected) ? selected : [])].find(isRemoteRunNode) ?? services.treeView.selection.find(isRemoteRunNode);
      if (!node) return;
      const name = servers.entry(node.server)?.model.row(node.runId)?.name ?? node.runId;
      await vscode.commands.executeCommand('markdown.showPreview', remoteUri('run', node.server, node.runId, `${name.replace(/[^\w.-]+/g, '_')}.md`));
    },

    [TEAM_SERVER_COMMANDS.copyRemoteRunId]: async (arg, selected) => {
      const nodes = (Array.isArray(selected) && selected.length > 0 ? selected : [arg]).filter(isRemoteRunNode);
      if (nodes.length === 0) return;
      await vscode.env.clipboard.writeText(nodes.map((n) => n.runId).join('\n'));
      void vscode.window.setStatusBarMessage(`RunLens: copied ${nodes.length === 1 ? nodes[0]!.runId : `${nodes.length} run ids`}`, 3000);
    },

    [TEAM_SERVER_COMMANDS.openRemoteArtifact]: async (arg) => {
      const a = arg as Extract<RunsNode, { kind: 'remoteArtifact' }>;
      const entry = servers.entry(a?.server);
      if (!entry) return;
      if (TEXT_ARTIFACT.test(a.path) && (a.size === null || a.size <= 20 * 1024 * 1024)) {
        await vscode.window.showTextDocument(remoteUri('artifact', a.server, a.runId, a.path), { preview: true });
        return;
      }
      const bytes = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `RunLens: downloading ${a.path}`, cancellable: true }, (_p, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort(new Error('cancelled')));
        return entry.source.readArtifact(a.runId, a.path, controller.signal);
      });
      const base = resolve(tmpdir(), 'runlens-artifacts', a.runId.replace(/[^\w-]/g, '_'));
      const file = resolve(base, a.path);
      // the path comes from the server: never write outside the download folder
      if (!file.startsWith(base + sep)) throw new Error(`the artifact path "${a.path}" leaves the run's folder; not downloaded`);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, bytes);
      await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file));
    },
  };
}
