/**
 * The `runlens` shell wrapper that "RunLens: Install 'runlens' Command in
 * PATH" writes: it runs the CLI shipped inside the extension with the editor's
 * own Node.js (VS Code's executable with ELECTRON_RUN_AS_NODE=1), the runtime
 * the extension's better-sqlite3 binary was built for.
 */
import { shellQuote } from '../core/util/shellQuote';

/** The line every wrapper carries: only a file with it is ever replaced or removed. */
export const WRAPPER_MARKER = '# runlens-command-wrapper v1';

export interface WrapperTarget {
  /** The executable that runs JavaScript: VS Code's own (process.execPath of the extension host) or a `node`. */
  readonly runtime: string;
  /** Set ELECTRON_RUN_AS_NODE=1 so an Electron executable behaves as Node.js (harmless for node itself). */
  readonly electronRunAsNode: boolean;
  /** The CLI's launcher inside the extension: `<extension>/bin/runlens.js`. */
  readonly launcher: string;
}

/**
 * The wrapper script. When the extension folder it points at is gone (the
 * extension was updated into a new folder, or uninstalled), it says so in one
 * line and how to fix it, instead of a stack trace from the runtime.
 */
export function wrapperScript(target: WrapperTarget): string {
  const launcher = shellQuote(target.launcher);
  const runtime = shellQuote(target.runtime);
  return [
    '#!/bin/sh',
    WRAPPER_MARKER,
    '# Written by the RunLens extension ("RunLens: Install \'runlens\' Command in PATH");',
    '# "RunLens: Uninstall \'runlens\' Command from PATH" removes it.',
    `if [ ! -f ${launcher} ] || [ ! -x ${runtime} ]; then`,
    `  echo "error: this runlens command points at a RunLens extension that is gone (${target.launcher.replace(/["`$\\]/g, '\\$&')}): run \\"RunLens: Install 'runlens' Command in PATH\\" again in VS Code" >&2`,
    '  exit 1',
    'fi',
    `${target.electronRunAsNode ? 'ELECTRON_RUN_AS_NODE=1 ' : ''}exec ${runtime} ${launcher} "$@"`,
    '',
  ].join('\n');
}

/** Whether a file's text is a wrapper RunLens wrote. */
export function isRunlensWrapper(text: string): boolean {
  return text.split('\n', 3).includes(WRAPPER_MARKER);
}

/** The launcher a wrapper runs (its last `exec` line), or null for anything else. */
export function wrapperLauncher(text: string): string | null {
  if (!isRunlensWrapper(text)) return null;
  const exec = text.split('\n').find((l) => /^(ELECTRON_RUN_AS_NODE=1 )?exec /.test(l));
  const m = exec ? /('(?:[^']|'\\'')*'|\S+) "\$@"$/.exec(exec) : null;
  if (!m) return null;
  const word = m[1]!;
  return word.startsWith("'") ? word.slice(1, -1).replace(/'\\''/g, "'") : word;
}
