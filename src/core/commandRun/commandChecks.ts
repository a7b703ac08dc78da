import type { ConfigIssue } from '../config/configIssue';
import { errorIssue, isRecord, warningIssue } from '../config/issueBuilders';
import { RESERVED_ENV, paramEnvName } from './commandLine';
import { TemplateError, findTemplates, templateProblem } from './template';
import { CommandSyntaxError, tokenizeCommand } from './tokenize';

/**
 * Checks of a command run's settings that the schema cannot express: the
 * command splits into arguments, every `{{…}}` names something the run has,
 * `args` is a usable format, a sweep says which metric ranks its trials,
 * and settings that would be silently ignored are pointed out. Each issue
 * carries the offsets inside the string (`inner`) where that helps.
 */
export function commandIssues(config: Record<string, unknown>): ConfigIssue[] {
  if (config.command === undefined) return ignoredWithoutCommand(config);
  const out: ConfigIssue[] = [];
  const params = isRecord(config.params) ? config.params : {};
  // A swept param needs its default in params too: "Train this" runs the config without the sweep.
  const paramKeys = Object.keys(params);

  const command = config.command;
  if (typeof command === 'string') {
    out.push(...splitIssues(command, ['command'], 'command'));
    out.push(...templateIssues(command, ['command'], paramKeys));
  } else if (Array.isArray(command)) {
    command.forEach((word, i) => {
      if (typeof word === 'string') out.push(...templateIssues(word, ['command', String(i)], paramKeys));
    });
    if (command[0] === '') out.push(errorIssue('the program (the first item of command) is empty', ['command', '0']));
  }

  if (isRecord(config.env)) {
    for (const [key, value] of Object.entries(config.env)) {
      if ((RESERVED_ENV as readonly string[]).includes(key)) {
        out.push(warningIssue(`env.${key} is set by RunLens for every command run; this value is ignored`, ['env', key], 'key'));
      }
      if (typeof value === 'string') out.push(...templateIssues(value, ['env', key], paramKeys));
    }
  }

  if (typeof config.args === 'string') out.push(...argsIssues(config.args, Object.keys(params).length));

  const byEnv = new Map<string, string>();
  for (const key of Object.keys(params)) {
    const name = paramEnvName(key);
    const other = byEnv.get(name);
    if (other !== undefined) out.push(warningIssue(`params "${other}" and "${key}" both become the environment variable ${name}; the script sees only "${key}"`, ['params', key], 'key'));
    byEnv.set(name, key);
  }

  // With model too, the schema already says to choose one; these would only repeat it.
  for (const key of config.model === undefined ? (['data', 'evaluate', 'task'] as const) : []) {
    if (config[key] !== undefined) out.push(warningIssue(`${key} is not used by a command run (the script reads its own data)`, [key], 'key'));
  }

  const sweep = config.sweep;
  if (isRecord(sweep) && sweep.metric === undefined) {
    out.push(errorIssue('a sweep of a command run needs sweep.metric: the metric the script logs that ranks the trials (e.g. metric: val_loss)', ['sweep'], 'key'));
  }
  return out;
}

/** `timeout`, `args`, `env` and `cwd` only mean something to a command run. */
function ignoredWithoutCommand(config: Record<string, unknown>): ConfigIssue[] {
  return (['timeout', 'args', 'env', 'cwd'] as const)
    .filter((key) => config[key] !== undefined)
    .map((key) => warningIssue(`${key} only applies to a command run (a config with command:)`, [key], 'key'));
}

function splitIssues(text: string, pointer: string[], what: string): ConfigIssue[] {
  try {
    const { tokens, warnings } = tokenizeCommand(text);
    const out: ConfigIssue[] = warnings.map((w) => ({ ...warningIssue(w.message, pointer), inner: { start: w.start, end: w.end } }));
    if (tokens.length === 0) out.push(errorIssue(`${what} is empty`, pointer));
    return out;
  } catch (e) {
    if (!(e instanceof CommandSyntaxError)) throw e;
    return [{ ...errorIssue(`${what}: ${e.message}`, pointer), inner: { start: e.start, end: Math.max(e.end, e.start + 1) } }];
  }
}

function templateIssues(text: string, pointer: string[], paramKeys: readonly string[]): ConfigIssue[] {
  try {
    return findTemplates(text).flatMap((ref) => {
      const problem = templateProblem(ref.name, paramKeys);
      return problem ? [{ ...errorIssue(problem, pointer), inner: { start: ref.start, end: ref.end } }] : [];
    });
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    return [{ ...errorIssue(e.message, pointer), inner: { start: e.start, end: Math.min(text.length, e.start + 2) } }];
  }
}

function argsIssues(args: string, paramCount: number): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  if (args !== 'set') {
    out.push(...splitIssues(args, ['args'], 'args'));
    if (!args.includes('{value}')) {
      out.push(errorIssue(`args is "set" (--set key=value per param) or a format with {key} and {value}, e.g. "--{key}={value}" (got ${JSON.stringify(args)})`, ['args']));
    }
  }
  if (paramCount === 0) out.push(warningIssue('args has no params to pass: add params: { … }', ['args'], 'key'));
  return out;
}
