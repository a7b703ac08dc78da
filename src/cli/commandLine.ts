/**
 * The command-line dispatcher shared by the `runlens` CLI (src/cli/main.ts)
 * and the editor's small tools bundle (src/cli/editorTools.ts): global
 * flags, the store location, one-line errors and exit codes.
 */
import { existsSync } from 'node:fs';
import { storePaths } from '../store/location';
import { RunStore } from '../store/runStore';
import { RUNLENS_VERSION } from '../core/version';
import { QueryError } from '../core/query/ast';
import { closestName } from '../core/util/closestName';
import { ConfigError } from '../core/config/parseConfig';
import { CliError, type CliContext, type Command } from './context';
import { locateStore, noStoreMessage } from './storeLocation';
import { describeArgsError } from './argsErrors';
import { helpText, type CommandSpec } from './commandHelp';
import { terminalSafe } from './terminalText';

/** The streams and environment a command line runs with: `out` and `err` take bytes exactly as given. */
export type CliIo = Pick<CliContext, 'out' | 'err' | 'cwd' | 'env' | 'interactive'>;

/** One subcommand: what runs, its usage line, and whether it may create a missing store. */
export interface CommandEntry {
  readonly run: Command;
  readonly help: string;
  /** Only commands that write runs create `.runlens/`; every other one says there is no store. */
  readonly createsStore?: boolean;
  /** Its arguments and every flag explained: `runlens <command> --help` prints it (commandHelp.ts). */
  readonly spec?: CommandSpec;
}

/** A table of subcommands and the usage text printed for `--help`. */
export interface CommandTable {
  readonly commands: Readonly<Record<string, CommandEntry>>;
  readonly usage: () => string;
}

/**
 * Parses the global flags (`--store`, `--debug`, `--version`, `--help`),
 * runs one command of `table` with its store and returns the exit code.
 * Every error is one line (`--debug` adds the stack).
 */
export async function runCommandLine(argv: string[], rawIo: CliIo, table: CommandTable): Promise<number> {
  const { commands: COMMANDS, usage } = table;
  // The one place output is made safe for a terminal: everything a command
  // prints goes through here, except what it sends to ctx.raw on purpose.
  const raw = { out: rawIo.out, err: rawIo.err };
  const io: CliIo = { ...rawIo, out: (t) => rawIo.out(terminalSafe(t)), err: (t) => rawIo.err(terminalSafe(t)) };
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
      const suggestion = closestName(flag.split('=')[0]!, ['--store', '--debug', '--version', '--help']);
      io.err(`error: unknown option ${flag}${suggestion ? `; did you mean ${suggestion}?` : ''}\n${usage()}\n`);
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
    io.out(`${command.spec ? helpText(name, command.spec) : `usage: runlens ${command.help}`}\n`);
    return 0;
  }
  const location = locateStore(io.cwd, storeOption, io.env);
  const storeDir = location.dir;
  let store: RunStore | undefined;
  const ctx: CliContext = {
    ...io,
    raw,
    storeDir,
    debug,
    openStore: () => {
      if (store) return store;
      if (!command.createsStore && !existsSync(storePaths(storeDir).db)) throw new CliError(noStoreMessage(location));
      if (location.source === 'found' && location.searched.length > 1) io.err(`using the store in ${storeDir}\n`);
      store = RunStore.open(storeDir);
      // A damaged store still answers reads; say so once, since writes will be refused.
      if (store.damage !== undefined) io.err(`warning: ${store.writeRefusal}\n`);
      return store;
    },
  };
  try {
    return await command.run(ctx, args);
  } catch (e) {
    const argsError = describeArgsError(e, name, command.help);
    io.err((argsError !== undefined ? `error: ${argsError}${debug && e instanceof Error ? `\n${e.stack}` : ''}` : describeError(e, debug)) + '\n');
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

/** Runs a command line on this process's argv and streams; sets the exit code. */
export function runProcessCommandLine(table: CommandTable): void {
  runCommandLine(process.argv.slice(2), {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
    interactive: Boolean(process.stderr.isTTY),
  }, table).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(terminalSafe(`error: ${(e as Error).message}\n`));
      process.exitCode = 1;
    },
  );
}

