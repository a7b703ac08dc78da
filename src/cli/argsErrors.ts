import { closestName } from '../core/util/closestName';

/** The `--flags` a command's usage line names: what a misspelt flag is matched against. */
export function flagsOf(usageLine: string): string[] {
  return [...new Set(usageLine.match(/--[a-z][a-z0-9-]*/g) ?? [])];
}

/**
 * One line for an error of `util.parseArgs` (code `ERR_PARSE_ARGS_*`), naming
 * the command and where its flags are explained, instead of Node's message
 * (whose quoting is unbalanced when positionals are allowed). Undefined for
 * any other error.
 */
export function describeArgsError(e: unknown, command: string, usageLine: string): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS')) return undefined;
  const message = (e as Error).message;
  const help = `(runlens ${command} --help)`;
  const quoted = /'(?:-\w, )?(-[^' ]*)/.exec(message)?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const flag = quoted.split('=')[0]!;
    const suggestion = flag.startsWith('--') ? closestName(flag, flagsOf(usageLine)) : undefined;
    return `unknown option ${flag} for runlens ${command}${suggestion ? `; did you mean ${suggestion}?` : ''} ${help}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/argument missing/.test(message)) return `option ${quoted} needs a value ${help}`;
    if (/does not take an argument/.test(message)) return `option ${quoted} takes no value ${help}`;
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const arg = /Unexpected argument '([^']*)'/.exec(message)?.[1];
    if (arg !== undefined) return `unexpected argument ${arg} for runlens ${command} ${help}`;
  }
  return `${message.split('. ')[0]} ${help}`;
}
