import { parseArgs } from 'node:util';
import { cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { CliError, type Command } from '../context';
import { findOnPath, formatCommand } from '../../deploy/build/containerCli';

/** The examples workspace shipped with RunLens (beside dist/ or src/). */
export function findExamplesDir(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'examples');
    if (existsSync(join(candidate, 'iris.train.yaml'))) return candidate;
    if (dirname(dir) === dir) throw new CliError('the RunLens examples folder is missing from this installation');
  }
}

/** This installation's launcher, bin/runlens.js (beside dist/ or src/), or null. */
function findLauncher(from = __dirname): string | null {
  for (let dir = from; dirname(dir) !== dir; dir = dirname(dir)) {
    const candidate = join(dir, 'bin', 'runlens.js');
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/**
 * What to type next. `runlens` only where it is on PATH; else the launcher of
 * this installation run by this Node.js, and how to put `runlens` on PATH.
 */
export function nextStep(cwd: string, target: string, env: NodeJS.ProcessEnv, launcher = findLauncher(), execPath = process.execPath): string[] {
  const where = relative(cwd, target);
  const cd = where === '' ? '' : `cd ${formatCommand(where, [])} && `;
  if (findOnPath('runlens', env) || launcher === null) return [`next: ${cd}runlens train iris.train.yaml`];
  return [
    `next: ${cd}${formatCommand(execPath, [launcher, 'train', 'iris.train.yaml'])}`,
    'runlens is not on PATH: install it with `npm install -g <runlens-version.tgz>` (see the README), or in VS Code run "RunLens: Install \'runlens\' Command in PATH"',
  ];
}

function listFiles(dir: string, base = dir, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === '.runlens') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) listFiles(p, base, out);
    else out.push(relative(base, p));
  }
  return out;
}

export const initCommand: Command = async (ctx, argv) => {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
  const target = resolve(ctx.cwd, positionals[0] ?? '.');
  const source = findExamplesDir();
  const written: string[] = [];
  const skipped: string[] = [];
  for (const file of listFiles(source).sort()) {
    const dest = join(target, file);
    if (existsSync(dest)) {
      skipped.push(file);
      continue;
    }
    cpSync(join(source, file), dest, { recursive: true });
    written.push(file);
  }
  for (const f of written) ctx.out(`created ${f}\n`);
  if (skipped.length > 0) ctx.out(`kept ${skipped.length} existing file(s): ${skipped.join(', ')}\n`);
  for (const line of nextStep(ctx.cwd, target, ctx.env)) ctx.out(`${line}\n`);
  return 0;
};
