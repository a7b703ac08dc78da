/**
 * One table per command: its arguments, what it does and each flag with one
 * line of explanation. The usage line (`runlens --help`, usage errors) and
 * `runlens <command> --help` are both made from it, so a flag cannot be
 * explained in one and missing from the other.
 */

/** A flag as written in usage (`--set k=v ...`, `--port 8080`) and one line saying what it does. */
export interface FlagHelp {
  readonly flag: string;
  readonly about: string;
}

export interface CommandSpec {
  /** Positional arguments (and subcommands), e.g. `<config>`. */
  readonly args: string;
  /** One line: what the command does. */
  readonly about: string;
  readonly flags: readonly FlagHelp[];
}

/** `train <config> [--set k=v ...] [--json]   (what it does)`: the line `runlens --help` lists. */
export function usageLine(name: string, spec: CommandSpec): string {
  return [name, spec.args, ...spec.flags.map((f) => `[${f.flag}]`)].filter(Boolean).join(' ') + `   (${spec.about})`;
}

/** What `runlens <name> --help` prints: the usage, then every flag on a line of its own. */
export function helpText(name: string, spec: CommandSpec): string {
  const width = Math.max(0, ...spec.flags.map((f) => f.flag.length));
  return [
    `usage: runlens ${[name, spec.args].filter(Boolean).join(' ')}${spec.flags.length > 0 ? ' [options]' : ''}`,
    '',
    spec.about,
    ...(spec.flags.length > 0 ? ['', 'options:', ...spec.flags.map((f) => `  ${f.flag.padEnd(width)}  ${f.about}`)] : []),
  ].join('\n');
}
