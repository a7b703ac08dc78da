import * as vscode from 'vscode';
import { hostname } from 'node:os';
import type { Services } from '../services';
import type { RunStore } from '../../store/runStore';
import { pickRuns, runIdsFromArgs, runKeysFromArgs } from './runPicker';
import type { CommandHandlers } from '../../views/commands/commandIds';
import { RUN_COMMANDS } from '../../views/commands/commandIds';


function writableStore(services: Services, runId: string): RunStore | undefined {
  const f = services.stores.findRun(runId);
  if (!f?.store) {
    void vscode.window.showErrorMessage(`RunLens: run ${runId.slice(0, 8)} is not in any open store.`);
    return undefined;
  }
  if (f.store.readonly) {
    // Untrusted is one reason among others (a damaged store, a file this process cannot write): say the real one.
    void vscode.window.showWarningMessage(vscode.workspace.isTrusted
      ? `RunLens cannot change this run: ${f.store.writeRefusal ?? 'its store is open read-only'}.`
      : 'RunLens shows runs read-only in an untrusted workspace. Trust the workspace to change them.');
    return undefined;
  }
  return f.store;
}

async function firstRun(services: Services, arg: unknown, selected: unknown, title: string): Promise<string | undefined> {
  const ids = runIdsFromArgs(services, arg, selected);
  if (ids[0]) return ids[0];
  return (await pickRuns(services, { title, many: false }))?.[0]?.runId;
}

/** Commands that act on runs: open, compare, star, rename, note, tag, re-run, cancel, delete. */
export function runCommands(services: Services): CommandHandlers<typeof RUN_COMMANDS> {
  return {
    [RUN_COMMANDS.open]: async () => {
      const picked = await pickRuns(services, { title: 'Open Run', many: false });
      if (picked?.[0]) await services.showRun(picked[0].runId);
    },
    [RUN_COMMANDS.details]: async (arg, selected) => {
      const id = await firstRun(services, arg, selected, 'Open Run');
      if (id) await services.showRun(id);
    },
    [RUN_COMMANDS.compare]: async () => {
      const picked = await pickRuns(services, { title: 'Compare Runs (pick 2 to 100)', many: true });
      if (!picked) return;
      if (picked.length > 100) {
        void vscode.window.showWarningMessage('RunLens compares up to 100 runs; the first 100 are shown.');
      }
      services.compare(picked.slice(0, 100).map((p) => p.runId));
    },
    [RUN_COMMANDS.compareSelected]: (arg, selected) => {
      // local and server runs together: one panel holds both
      const ids = runKeysFromArgs(services, arg, selected);
      services.compare(ids.slice(0, 100));
    },
    [RUN_COMMANDS.star]: (arg, selected) => {
      for (const id of runIdsFromArgs(services, arg, selected)) writableStore(services, id)?.setStar(id, true);
    },
    [RUN_COMMANDS.unstar]: (arg, selected) => {
      for (const id of runIdsFromArgs(services, arg, selected)) writableStore(services, id)?.setStar(id, false);
    },
    [RUN_COMMANDS.rename]: async (arg, selected) => {
      const id = await firstRun(services, arg, selected, 'Rename Run');
      const store = id && writableStore(services, id);
      if (!id || !store) return;
      const run = store.getRun(id);
      const name = await vscode.window.showInputBox({
        title: 'Rename Run',
        value: run.name,
        validateInput: (v) => (v.trim() ? undefined : 'A run needs a name'),
      });
      if (name === undefined) return;
      try {
        store.rename(id, name.trim());
      } catch (e) {
        void vscode.window.showErrorMessage(`RunLens: ${(e as Error).message}`);
      }
    },
    [RUN_COMMANDS.note]: async (arg, selected) => {
      const id = await firstRun(services, arg, selected, 'Add Note');
      const store = id && writableStore(services, id);
      if (!id || !store) return;
      const note = await vscode.window.showInputBox({ title: 'Run Note', value: store.getRun(id).note ?? '', prompt: 'Empty to remove the note' });
      if (note === undefined) return;
      store.setNote(id, note.trim() || null);
    },
    [RUN_COMMANDS.tag]: async (arg, selected) => {
      const ids = runIdsFromArgs(services, arg, selected);
      if (ids.length === 0) return;
      const text = await vscode.window.showInputBox({
        title: `Add Tag to ${ids.length} run${ids.length === 1 ? '' : 's'}`,
        prompt: 'key=value',
        validateInput: (v) => (/^[^=\s][^=]*=.*$/.test(v.trim()) ? undefined : 'Write the tag as key=value'),
      });
      if (text === undefined) return;
      const eq = text.indexOf('=');
      for (const id of ids) writableStore(services, id)?.setTags(id, { [text.slice(0, eq).trim()]: text.slice(eq + 1).trim() });
    },
    [RUN_COMMANDS.copyId]: async (arg, selected) => {
      const ids = runIdsFromArgs(services, arg, selected);
      if (ids.length === 0) return;
      await vscode.env.clipboard.writeText(ids.join('\n'));
      void vscode.window.setStatusBarMessage(`RunLens: copied ${ids.length === 1 ? ids[0] : `${ids.length} run ids`}`, 3000);
    },
    [RUN_COMMANDS.openConfig]: async (arg, selected) => {
      const id = await firstRun(services, arg, selected, 'Open Config of Run');
      const run = id ? services.stores.findRun(id)?.store?.getRun(id) : undefined;
      if (!run?.configPath) {
        void vscode.window.showInformationMessage('RunLens: this run has no config file.');
        return;
      }
      try {
        await vscode.window.showTextDocument(vscode.Uri.file(run.configPath));
      } catch {
        void vscode.window.showWarningMessage(`RunLens: the config ${run.configPath} no longer exists.`);
      }
    },
    [RUN_COMMANDS.rerun]: async (arg, selected) => {
      const id = await firstRun(services, arg, selected, 'Re-run');
      const run = id ? services.stores.findRun(id)?.store?.getRun(id) : undefined;
      if (!run?.configPath) {
        void vscode.window.showInformationMessage('RunLens: this run has no config file to re-run.');
        return;
      }
      await services.training.train(vscode.Uri.file(run.configPath));
    },
    [RUN_COMMANDS.cancel]: async (arg, selected) => {
      if (arg && typeof arg === 'object' && 'configPath' in arg) {
        await services.training.cancel({ configPath: String((arg as { configPath: string }).configPath) });
        return;
      }
      const ids = runIdsFromArgs(services, arg, selected);
      if (ids.length === 0) {
        await services.training.cancel();
        return;
      }
      for (const id of ids) {
        if (services.training.trainings.some((t) => t.runId === id)) {
          await services.training.cancel({ runId: id });
          continue;
        }
        // A trial of a sweep started here: the sweep decides what runs, so stop the sweep.
        const parentId = services.stores.findRun(id)?.store?.findRun(id)?.parentId;
        const sweep = parentId ? services.training.trainings.find((t) => t.kind === 'sweep' && t.runId === parentId) : undefined;
        if (sweep) {
          const choice = await vscode.window.showWarningMessage('This run is a trial of a sweep running in this window. Cancel the whole sweep?', { modal: true }, 'Cancel Sweep');
          if (choice) sweep.cancel();
          continue;
        }
        // On a Slurm cluster (submitted here or by the CLI): scancel its job or array task; sync records it killed.
        if (services.clusterJobs.isClusterRun(id)) {
          await services.clusterJobs.cancel(id);
          continue;
        }
        // Started elsewhere (the CLI in a terminal): signal its process,
        // whose worker then records the run as killed.
        const run = services.stores.findRun(id)?.store?.getRun(id);
        if (run?.pid && (!run.host || run.host === hostname()) && (run.status === 'running' || run.status === 'queued')) {
          try {
            process.kill(run.pid, 'SIGTERM');
          } catch (e) {
            void vscode.window.showWarningMessage(`RunLens: could not stop process ${run.pid}: ${(e as Error).message}`);
          }
        } else {
          void vscode.window.showInformationMessage('RunLens: that run is not running on this machine.');
        }
      }
    },
    [RUN_COMMANDS.delete]: async (arg, selected) => {
      let ids = runIdsFromArgs(services, arg, selected);
      if (ids.length === 0) ids = (await pickRuns(services, { title: 'Delete Runs', many: true }))?.map((p) => p.runId) ?? [];
      if (ids.length === 0) return;
      const names = ids.map((id) => services.stores.findRun(id)?.store?.findRun(id)?.name ?? id.slice(0, 8));
      const choice = await vscode.window.showWarningMessage(
        ids.length === 1 ? `Delete run "${names[0]}"?` : `Delete ${ids.length} runs?`,
        { modal: true, detail: 'Its params, metrics, child runs and any artifact no other run uses are removed from the store. This cannot be undone.' },
        'Delete',
      );
      if (choice !== 'Delete') return;
      let freed = 0;
      for (const id of ids) {
        const store = writableStore(services, id);
        if (!store) continue;
        if (store.getRun(id).status === 'running') {
          void vscode.window.showWarningMessage(`RunLens: "${store.getRun(id).name}" is still running; cancel it first.`);
          continue;
        }
        freed += store.deleteRun(id).bytesFreed;
      }
      void vscode.window.setStatusBarMessage(`RunLens: deleted ${ids.length} run${ids.length === 1 ? '' : 's'}, freed ${(freed / 1024).toFixed(1)} KiB`, 4000);
    },
  };
}
