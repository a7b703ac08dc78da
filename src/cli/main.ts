/**
 * `runlens`: the engine headless, for terminals and CI. Every error is one
 * line on stderr and a non-zero exit; `--debug` adds the stack.
 */
import { RunStore } from '../store/runStore';
import { RUNLENS_VERSION } from '../core/version';
import { QueryError } from '../core/query/ast';
import { ConfigError } from '../core/config/parseConfig';
import { CliError, type CliContext, type Command } from './context';
import { findStoreDir } from './storeLocation';
import { trainCommand } from './commands/train';
import { sweepCommand } from './commands/sweep';
import { runsCommand } from './commands/runs';
import { showCommand } from './commands/show';
import { compareCommand } from './commands/compare';
import { metricsCommand } from './commands/metrics';
import { deleteCommand, gcCommand, experimentsCommand } from './commands/manage';
import { initCommand } from './commands/init';
import { serveCommand } from './commands/serve';

const COMMANDS: Record<string, { run: Command; help: string }> = {
  train: { run: trainCommand, help: 'train <config> [--set k=v ...] [--gate QUERY] [--name N] [--tag k=v] [--json]  (a config with sweep: runs the sweep)' },
  sweep: { run: sweepCommand, help: 'sweep <config> [--parallel N] [--set k=v ...] [--gate QUERY] [--name N] [--tag k=v] [--json]' },
  runs: { run: runsCommand, help: 'runs [--filter QUERY] [--sort KEY] [--limit N] [--experiment E] [--all] [--json]' },
  show: { run: showCommand, help: 'show <run> [--json]' },
  compare: { run: compareCommand, help: 'compare <run> <run>... [--only-changed] [--json]' },
  metrics: { run: metricsCommand, help: 'metrics <run> <key> [--csv | --json]' },
  experiments: { run: experimentsCommand, help: 'experiments [--json]' },
  delete: { run: deleteCommand, help: 'delete <run>...' },
  gc: { run: gcCommand, help: 'gc' },
  serve: { run: serveCommand, help: 'serve <run> [--port 8080] [--host 127.0.0.1]   (the run\'s model over HTTP, MLflow scoring protocol)' },
  init: { run: initCommand, help: 'init [dir]   (writes the examples workspace)' },
};

export function usage(): string {
  return [
    `runlens ${RUNLENS_VERSION}: ML experiment tracking in your workspace`,
    '',
    'usage: runlens [--store DIR] [--debug] <command> [options]',
    '',
    ...Object.values(COMMANDS).map((c) => `  runlens ${c.help}`),
    '',
    'The store is --store DIR, else $RUNLENS_STORE, else the nearest .runlens/ at or above the current folder.',
    'Filter language: metrics.test_accuracy > 0.9 and (params.model = "decision_tree" or tags.team LIKE \'ml%\')',
  ].join('\n');
}

/** Runs the CLI; returns the exit code instead of exiting (tests call this). */
export async function main(argv: string[], io: Pick<CliContext, 'out' | 'err' | 'cwd' | 'env' | 'interactive'>): Promise<number> {
  const args = [...argv];
  let storeOption: string | undefined;
  let debug = false;
  while (args[0]?.startsWith('-')) {
    const flag = args.shift()!;
    if (flag === '--store') storeOption = args.shift();
    else if (flag.startsWith('--store=')) storeOption = flag.slice('--store='.length);
    else if (flag === '--debug') debug = true;
    else if (flag === '--version' || flag === '-v') {
      io.out(`${RUNLENS_VERSION}\n`);
      return 0;
    } else if (flag === '--help' || flag === '-h') {
      io.out(usage() + '\n');
      return 0;
    } else {
      io.err(`error: unknown option ${flag}\n${usage()}\n`);
      return 2;
    }
  }
  // Options may also follow the command (`runlens runs --store x`).
  const storeIdx = args.findIndex((a) => a === '--store' || a.startsWith('--store='));
  if (storeIdx > 0) {
    const [flag] = args.splice(storeIdx, 1);
    storeOption = flag!.includes('=') ? flag!.slice(flag!.indexOf('=') + 1) : args.splice(storeIdx, 1)[0];
  }
  const debugIdx = args.indexOf('--debug');
  if (debugIdx > 0) {
    args.splice(debugIdx, 1);
    debug = true;
  }
  const name = args.shift();
  if (!name || name === 'help') {
    io.out(usage() + '\n');
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`error: unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(', ')})\n`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.out(`usage: runlens ${command.help}\n`);
    return 0;
  }
  const storeDir = findStoreDir(io.cwd, storeOption, io.env);
  let store: RunStore | undefined;
  const ctx: CliContext = {
    ...io,
    storeDir,
    debug,
    openStore: () => (store ??= RunStore.open(storeDir)),
  };
  try {
    return await command.run(ctx, args);
  } catch (e) {
    io.err(describeError(e, debug) + '\n');
    return e instanceof CliError ? e.code : e instanceof TypeError && (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1;
  } finally {
    store?.close();
  }
}

function describeError(e: unknown, debug: boolean): string {
  if (e instanceof QueryError) return `error: ${e.message}\n${e.pointer()}`;
  if (e instanceof ConfigError) return e.format();
  const err = e instanceof Error ? e : new Error(String(e));
  const code = (err as { code?: string }).code;
  const known = e instanceof CliError || code?.startsWith('ERR_PARSE_ARGS') || err.name !== 'Error' || !debug;
  return `error: ${err.message}${debug && err.stack && known ? `\n${err.stack}` : ''}`;
}

/** Runs the CLI on this process's argv and streams; sets the exit code. */
export function runFromProcess(): void {
  main(process.argv.slice(2), {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
    interactive: Boolean(process.stderr.isTTY),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`error: ${(e as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}

if (require.main === module) runFromProcess();
