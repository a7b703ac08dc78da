import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { CliError, type Command } from '../context';
import { formatTable } from '../table';
import { SMOKE_TARGETS, runSmokeTest } from '../../deploy/smoke/smokeTest';
import type { SmokeTarget } from '../../deploy/smoke/smokeTest';

const USAGE = 'usage: runlens smoke <model>[@alias|:version] [--rows N] [--target auto|image|context] [--cli-arg=X ...] [--min-match F] [--json]';

function fraction(text: string | undefined): number {
  if (text === undefined) return 0;
  const f = Number(text);
  if (!Number.isFinite(f) || f < 0 || f > 1) throw new CliError(`--min-match takes a fraction from 0 to 1, not "${text}"`, 2);
  return f;
}

function rowCount(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new CliError(`--rows takes a whole number from 1 to 10000, not "${text}"`, 2);
  return n;
}

/**
 * `runlens smoke <model>`: the Deploy panel's smoke test, headless. Sends a
 * sample of the version's recorded data to its built image (the newest
 * successful build this machine can run; `--target image` insists on it) or,
 * failing that, to the server from its build context, and prints each
 * prediction next to the label. Exit 0 when the share of matches is at least
 * `--min-match` (default 0: every row answered), 1 below it or on a server
 * error, 2 usage.
 */
export const smokeCommand: Command = async (ctx, argv) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      rows: { type: 'string' },
      target: { type: 'string', default: 'auto' },
      'cli-arg': { type: 'string', multiple: true },
      'min-match': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new CliError(USAGE, 2);
  if (!(SMOKE_TARGETS as readonly string[]).includes(values.target)) throw new CliError(`--target is one of ${SMOKE_TARGETS.join(', ')}, not "${values.target}"`, 2);
  const minMatch = fraction(values['min-match']);
  const rows = rowCount(values.rows);
  const store = ctx.openStore();
  const view = await runSmokeTest({
    store,
    root: dirname(ctx.storeDir),
    ref: positionals[0]!,
    buildsDir: join(ctx.storeDir, 'builds'),
    execPath: process.execPath,
    target: values.target as SmokeTarget,
    cliArgs: values['cli-arg'] ?? [],
    env: ctx.env,
    ...(ctx.env.RUNLENS_SERVE_BUNDLE ? { serverBundle: ctx.env.RUNLENS_SERVE_BUNDLE } : {}),
    ...(rows !== undefined ? { rows } : {}),
  });
  const share = view.rows.length === 0 ? 0 : view.matches / view.rows.length;
  const passed = share >= minMatch;
  if (values.json) {
    ctx.out(JSON.stringify({ ...view, minMatch, passed }, null, 2) + '\n');
  } else {
    ctx.out(`${view.ref}: ${view.rows.length} rows of ${view.source}\n`);
    if (view.image) ctx.out(`image: ${view.image.tag} (${view.image.id.slice(0, 19)}, build #${view.image.buildId}, ${view.image.cli})\n`);
    ctx.out(`server: ${view.how}\n\n`);
    ctx.out(formatTable(['line', 'expected', 'predicted', 'match'], view.rows.map((r) => [r.line === null ? '' : String(r.line), r.expected, r.predicted, r.match ? 'yes' : 'NO'])) + '\n\n');
    ctx.out(`${view.matches}/${view.rows.length} predictions match the labels (${view.target === 'image' ? `the image ${view.image!.tag}` : 'the build context'}, ${(view.ms / 1000).toFixed(1)} s)\n`);
  }
  if (!passed) ctx.err(`error: ${view.matches}/${view.rows.length} match, below --min-match ${minMatch}\n`);
  return passed ? 0 : 1;
};
