import * as vscode from 'vscode';
import { readFileSync } from 'node:fs';
import type { CommandHandlers } from '../../views/commands/commandIds';
import { COMPUTE_COMMANDS } from '../../views/commands/commandIds';
import type { ClusterJobsService } from './clusterJobsService';
import type { ComputeProfiles } from './computeProfiles';

export interface ComputeCommandsDeps {
  readonly jobs: ClusterJobsService;
  readonly profiles: ComputeProfiles;
}

/** Whether a config file has a `sweep:` (YAML or JSON), told from its text. */
function hasSweep(uri: vscode.Uri): boolean {
  try {
    const text = readFileSync(uri.fsPath, 'utf8');
    return /^sweep\s*:/m.test(text) || /"sweep"\s*:/.test(text);
  } catch {
    return false;
  }
}

/** The profile the lens passed, else one the user picks among the folder's cluster profiles. */
async function pickProfile(deps: ComputeCommandsDeps, uri: vscode.Uri, given: unknown): Promise<string | undefined> {
  if (typeof given === 'string' && given) return given;
  const { profiles, issues } = deps.profiles.forUri(uri);
  const cluster = [...profiles.values()].filter((p) => p.backend !== 'local');
  if (cluster.length === 0) {
    void vscode.window.showInformationMessage(`RunLens: no cluster profile in this workspace. Add one to runlens.yaml, e.g. compute: { gpu: { backend: slurm, partition: gpu, time: "1:00:00" } }.${issues.length ? ` (${issues[0]})` : ''}`);
    return undefined;
  }
  if (cluster.length === 1) return cluster[0]!.name;
  const picked = await vscode.window.showQuickPick(
    cluster.map((p) => ({ label: p.name, description: p.backend === 'slurm' ? [p.partition, p.time, p.gres].filter(Boolean).join(' · ') : p.backend })),
    { title: 'Submit on which compute profile?' },
  );
  return picked?.label;
}

function targetOf(arg: unknown): vscode.Uri | undefined {
  return arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
}

/** Train on / Sweep on a cluster profile (the lenses, the palette) and the Jobs status bar item's list. */
export function computeCommands(deps: ComputeCommandsDeps): CommandHandlers<typeof COMPUTE_COMMANDS> {
  const submit = async (kind: 'train' | 'sweep', arg: unknown, profileArg: unknown) => {
    const uri = targetOf(arg);
    if (!uri) {
      void vscode.window.showInformationMessage('RunLens: open a training config first.');
      return;
    }
    const sweep = hasSweep(uri);
    if (kind === 'sweep' && !sweep) {
      void vscode.window.showInformationMessage('RunLens: this config has no `sweep:` section to submit.');
      return;
    }
    if (kind === 'train' && sweep) {
      // submitting a config submits what it says: with a sweep, the whole sweep as one array job
      const go = await vscode.window.showWarningMessage('This config has a sweep: submitting it submits every trial as one Slurm array job.', { modal: true }, 'Submit Sweep');
      if (!go) return;
    }
    const profile = await pickProfile(deps, uri, profileArg);
    if (profile) await deps.jobs.submit(uri, profile);
  };
  return {
    [COMPUTE_COMMANDS.trainOn]: (arg, profile) => submit('train', arg, profile),
    [COMPUTE_COMMANDS.sweepOn]: (arg, profile) => submit('sweep', arg, profile),
    [COMPUTE_COMMANDS.showJobs]: () => deps.jobs.pickJob(),
  };
}
