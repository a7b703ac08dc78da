import path from 'node:path';
import { parseArgs } from 'node:util';
import { CliError, type Command } from '../context';
import { formatTable } from '../table';

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 ** 2).toFixed(1)} MiB`;
}

export const deleteCommand: Command = async (ctx, argv) => {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
  if (positionals.length < 1) throw new CliError('usage: runlens delete <run>...', 2);
  const store = ctx.openStore();
  for (const ref of positionals) {
    const run = store.getRun(ref);
    if (run.status === 'running') throw new CliError(`run ${run.name} is still running; cancel it first`);
    const result = store.deleteRun(run.id);
    ctx.out(`deleted ${run.name} (${run.id.slice(0, 8)})${result.runs > 1 ? ` and ${result.runs - 1} child runs` : ''}, freed ${bytes(result.bytesFreed)}\n`);
  }
  return 0;
};

/**
 * `runlens gc [--dry-run]`: removes unreferenced artifact blobs older than the
 * store's previous open, stale temp files and unused dataset versions; with
 * `--dry-run` lists each file it would remove (relative to the store) instead.
 */
export const gcCommand: Command = async (ctx, argv) => {
  const { values } = parseArgs({ args: argv, options: { 'dry-run': { type: 'boolean', default: false } } });
  const dryRun = values['dry-run'];
  const store = ctx.openStore();
  const result = store.gc({ dryRun });
  if (dryRun) {
    for (const file of result.removed) ctx.out(`${path.relative(store.dir, file)}\n`);
    ctx.out(`would remove ${result.blobsRemoved} unreferenced artifact blobs and ${result.tempFilesRemoved} temp files, freeing ${bytes(result.bytesFreed)}\n`);
  } else {
    ctx.out(`removed ${result.blobsRemoved} unreferenced artifact blobs, freed ${bytes(result.bytesFreed)}\n`);
  }
  if (result.blobsKept > 0) {
    ctx.out(`kept ${result.blobsKept} unreferenced blobs written since the store's previous open (a run may still be writing them); a later gc removes them\n`);
  }
  return 0;
};

export const experimentsCommand: Command = async (ctx, argv) => {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false } } });
  const store = ctx.openStore();
  const experiments = store.listExperiments();
  if (values.json) ctx.out(JSON.stringify(experiments) + '\n');
  else ctx.out(formatTable(['experiment', 'runs'], experiments.map((e) => [e.name, String(e.runCount)])) + '\n');
  return 0;
};
