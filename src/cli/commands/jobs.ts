import { parseArgs } from 'node:util';
import { allClusterRuns, type ClusterRun } from '../../compute/jobs/clusterRuns';
import { NODE_TAG, PENDING_SINCE_TAG, REASON_TAG, STATE_TAG } from '../../compute/jobs/clusterTags';
import { DEFAULT_PENDING_LIMIT_MS, syncJobs, type SyncResult } from '../../compute/jobs/syncJobs';
import { SlurmUnavailableError } from '../../compute/slurm/slurmCommands';
import { changeLine } from '../clusterWatch';
import { CliError, type CliContext, type Command } from '../context';
import { formatAgo, formatDuration, formatTable } from '../table';

/**
 * `runlens jobs [--json] [--all]`: the cluster runs with their Slurm state
 * (synced first: one squeue call); `runlens jobs sync`: ingest what the
 * spools hold and end the runs whose jobs ended, e.g. after the editor was
 * closed mid-job. Both are safe beside the editor's own sync.
 */
export const jobsCommand: Command = async (ctx, argv) => {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, all: { type: 'boolean', default: false }, limit: { type: 'string' } },
  });
  if (positionals.length > 1 || (positionals[0] !== undefined && positionals[0] !== 'sync')) throw new CliError('usage: runlens jobs [sync] [--json] [--all] [--limit N]', 2);
  const store = ctx.openStore();
  if (positionals[0] === 'sync') return printSync(ctx, await syncJobs(store, { storeDir: ctx.storeDir }), values.json);
  let result: SyncResult;
  try {
    result = await syncJobs(store, { storeDir: ctx.storeDir });
  } catch (e) {
    // The list still answers from the store (e.g. read off the cluster): the state is as last synced.
    if (!(e instanceof SlurmUnavailableError)) throw e;
    ctx.err(`warning: ${e.message}; showing the state as last synced\n`);
    result = { changes: [], events: 0, points: 0, longPending: [], followed: 0 };
  }
  const limit = values.limit === undefined ? 30 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new CliError(`--limit expects a whole number ≥ 1, got "${values.limit}"`, 2);
  const long = new Map(result.longPending.map((p) => [p.runId, p]));
  const runs = allClusterRuns(store, ctx.storeDir).filter((c) => values.all || !isTrialOfListed(c)).slice(0, limit);
  if (values.json) {
    ctx.out(JSON.stringify(runs.map((c) => ({
      id: c.run.id, name: c.run.name, status: c.run.status, error: c.run.error, job: c.slurmKey ?? null, state: c.tags[STATE_TAG] ?? null,
      reason: c.tags[REASON_TAG] ?? null, node: c.tags[NODE_TAG] ?? null, sweep: c.isSweepParent, parent: c.run.parentId,
      pendingTooLong: long.has(c.run.id), createdAt: c.run.createdAt,
    }))) + '\n');
    return 0;
  }
  if (runs.length === 0) {
    ctx.out('no cluster runs: submit one with runlens train <config> --on <profile>\n');
    return 0;
  }
  const now = Date.now();
  ctx.out(formatTable(['run', 'name', 'status', 'job', 'slurm', 'where / why', 'submitted'], runs.map((c) => [
    c.run.id.slice(0, 8), c.run.name, c.run.status, c.slurmKey ?? '', c.tags[STATE_TAG] ?? '', whereOrWhy(c, now), formatAgo(c.run.createdAt, now),
  ])) + '\n');
  for (const p of result.longPending) ctx.err(`warning: ${p.name} (job ${p.jobKey}) is still PENDING after ${formatDuration(p.pendingMs)} (limit ${formatDuration(DEFAULT_PENDING_LIMIT_MS)}): ${p.reason}\n`);
  return 0;
};

/** Trials are listed under `--all`; by default a sweep shows as its parent. */
function isTrialOfListed(c: ClusterRun): boolean {
  return c.tags['runlens.kind'] === 'trial';
}

function whereOrWhy(c: ClusterRun, now: number): string {
  if (c.run.status === 'queued' && c.tags[REASON_TAG]) {
    const since = Number(c.tags[PENDING_SINCE_TAG]);
    return `${c.tags[REASON_TAG]}${Number.isFinite(since) ? ` for ${formatDuration(now - since)}` : ''}`;
  }
  if (c.run.status === 'running') return c.tags[NODE_TAG] ?? '';
  return c.run.error ?? '';
}

function printSync(ctx: CliContext, r: SyncResult, json: boolean): number {
  if (json) {
    ctx.out(JSON.stringify({ changes: r.changes, events: r.events, points: r.points, longPending: r.longPending, followed: r.followed }) + '\n');
    return 0;
  }
  for (const c of r.changes) ctx.out(changeLine(c));
  for (const p of r.longPending) ctx.err(`warning: ${p.name} (job ${p.jobKey}) is still PENDING after ${formatDuration(p.pendingMs)}: ${p.reason}\n`);
  ctx.out(`synced: ${r.events} event${r.events === 1 ? '' : 's'} (${r.points} metric point${r.points === 1 ? '' : 's'}) ingested, ${r.changes.length} status change${r.changes.length === 1 ? '' : 's'}, ${r.followed} cluster run${r.followed === 1 ? '' : 's'} still followed\n`);
  return 0;
}
