import { parseArgs } from 'node:util';
import { cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { CliError, type Command } from '../context';

/** The examples workspace shipped with RunLens (beside dist/ or src/). */
export function findExamplesDir(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'examples');
    if (existsSync(join(candidate, 'iris.train.yaml'))) return candidate;
    if (dirname(dir) === dir) throw new CliError('the RunLens examples folder is missing from this installation');
  }
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
  ctx.out(`next: runlens train ${relative(ctx.cwd, join(target, 'iris.train.yaml')) || 'iris.train.yaml'}\n`);
  return 0;
};
