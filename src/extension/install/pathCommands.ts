/**
 * "RunLens: Install 'runlens' Command in PATH" and its Uninstall, as VS
 * Code's own "Install 'code' command in PATH": a small shell wrapper in the
 * user's ~/.local/bin (or ~/bin) that runs the CLI shipped inside this
 * extension with VS Code's own runtime (ELECTRON_RUN_AS_NODE=1), the one the
 * extension's better-sqlite3 binary is built for. Never sudo; a folder that
 * does not exist is created only after asking.
 */
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { installCommand, installedWrappers, planInstall, uninstallCommand } from '../../install/pathInstall';
import type { CommandHandlers } from '../../views/commands/commandIds';
import { CLI_PATH_COMMANDS } from '../../views/commands/commandIds';

export interface PathCommandsDeps {
  /** The extension's own folder (context.extensionPath). */
  readonly extensionPath: string;
  readonly log: (message: string) => void;
}

async function install(deps: PathCommandsDeps): Promise<void> {
  const launcher = join(deps.extensionPath, 'bin', 'runlens.js');
  if (!existsSync(launcher) || !existsSync(join(deps.extensionPath, 'dist', 'cli.js'))) {
    throw new Error(`this RunLens package does not carry the CLI (bin/runlens.js and dist/cli.js in ${deps.extensionPath})`);
  }
  const plan = planInstall(homedir(), process.env);
  if (plan.mustCreate) {
    const create = `Create ${plan.dir}`;
    const answer = await vscode.window.showInformationMessage(`RunLens: ${plan.dir} does not exist. Create it for the runlens command?`, { modal: true }, create);
    if (answer !== create) return;
  }
  const file = installCommand(plan.dir, { runtime: process.execPath, electronRunAsNode: true, launcher }, { create: true });
  deps.log(`installed the runlens command: ${file} runs ${launcher} with ${process.execPath}`);
  const notes = [
    plan.onPath ? '' : ` ${plan.dir} is not on PATH yet: open a new login shell, or add export PATH="${plan.dir}:$PATH" to your shell profile.`,
    plan.shadowedBy ? ` Another runlens comes first on PATH: ${plan.shadowedBy}.` : '',
  ].join('');
  void vscode.window.showInformationMessage(`RunLens: the runlens command is installed as ${file}.${notes}`);
}

async function uninstall(deps: PathCommandsDeps): Promise<void> {
  const home = homedir();
  const ours = installedWrappers(home);
  if (ours.length === 0) {
    void vscode.window.showInformationMessage(`RunLens: no runlens command installed by RunLens in ${join(home, '.local', 'bin')} or ${join(home, 'bin')}.`);
    return;
  }
  const removed = ours.map((f) => uninstallCommand(join(f, '..'))).filter((f): f is string => f !== null);
  deps.log(`removed the runlens command: ${removed.join(', ')}`);
  void vscode.window.showInformationMessage(`RunLens: removed ${removed.join(', ')}.`);
}

/** Command id → handler, registered by the composition root. */
export function pathCommands(deps: PathCommandsDeps): CommandHandlers<typeof CLI_PATH_COMMANDS> {
  return {
    [CLI_PATH_COMMANDS.installInPath]: () => install(deps),
    [CLI_PATH_COMMANDS.uninstallFromPath]: () => uninstall(deps),
  };
}
