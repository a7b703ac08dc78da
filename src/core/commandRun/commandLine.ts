import { delimiter, dirname, resolve } from 'node:path';
import type { TrainConfig } from '../config/trainConfig';
import type { TemplateName } from './template';
import { expandTemplates } from './template';
import { tokenizeCommand } from './tokenize';

/** What a command run needs beyond its config to become a process. */
export interface CommandContext {
  readonly runId: string;
  readonly experiment: string;
  /** Absolute path of the config file. */
  readonly configPath: string;
  /** Absolute store folder (`.runlens/`), given to the script as `RUNLENS_STORE`. */
  readonly storeDir: string;
  /** The environment the child starts from (normally `process.env`). */
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
  /** Folder holding the bundled `runlens.py`, put first on `PYTHONPATH` so `import runlens` works. */
  readonly helperDir?: string;
  /** Default `process.platform`. */
  readonly platform?: NodeJS.Platform;
}

/** A command run, ready to spawn. */
export interface CommandPlan {
  /** Program and arguments; the program is looked up on the child's `PATH`. */
  readonly argv: readonly string[];
  /** Absolute working directory. */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** From `timeout` (seconds). */
  readonly timeoutMs?: number;
}

/** Environment variables RunLens sets for every command run; a config's `env` cannot override them. */
export const RESERVED_ENV = ['RUNLENS_RUN_ID', 'RUNLENS_STORE', 'RUNLENS_EXPERIMENT', 'RUNLENS_CONFIG'] as const;

/** Set by the trainer worker for itself; meaningless to the script. */
const WORKER_ONLY_ENV = ['RUNLENS_WORKER'];

/**
 * A param value as an argument or environment variable: strings as they
 * are, numbers as JavaScript prints them (`0.001`, `1e-7`), booleans
 * `true`/`false`, `null` as `null`, lists and mappings as JSON.
 */
export function formatParamValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return JSON.stringify(value) ?? '';
}

/** `RUNLENS_PARAM_<KEY>`: the key upper-cased, anything but letters, digits and `_` as `_` (`batch-size` → `RUNLENS_PARAM_BATCH_SIZE`). */
export function paramEnvName(key: string): string {
  return `RUNLENS_PARAM_${key.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`;
}

/** `{{python}}`: `$RUNLENS_PYTHON` when set, else `python3` (`python` on Windows, where `python3` is often a Store stub). */
export function defaultPython(env: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform = process.platform): string {
  return env.RUNLENS_PYTHON?.trim() || (platform === 'win32' ? 'python' : 'python3');
}

/**
 * Turns a command config into the process to start: the command split
 * into arguments (see `tokenizeCommand`), `{{…}}` filled in per argument,
 * the params appended as `args` asks, and the environment RunLens promises
 * the script. Throws `TemplateError` / `CommandSyntaxError` for a config
 * the checks would have rejected.
 */
export function planCommand(config: TrainConfig, ctx: CommandContext): CommandPlan {
  if (config.command === undefined) throw new Error('planCommand needs a config with `command`');
  const params = config.params ?? {};
  const values: Record<TemplateName, string> = {
    python: defaultPython(ctx.baseEnv, ctx.platform),
    run_id: ctx.runId,
    experiment: ctx.experiment,
    config_dir: dirname(ctx.configPath),
  };
  const lookup = (name: string): string | undefined => {
    if (name.startsWith('params.')) {
      const key = name.slice('params.'.length);
      return Object.hasOwn(params, key) ? formatParamValue(params[key]) : undefined;
    }
    return (values as Record<string, string>)[name];
  };
  const words = typeof config.command === 'string' ? tokenizeCommand(config.command).tokens.map((t) => t.value) : [...config.command];
  const argv = [...words.map((w) => expandTemplates(w, lookup)), ...paramArgs(config.args, params)];
  if (argv.length === 0 || argv[0] === '') throw new Error('the command is empty');

  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.baseEnv)) if (v !== undefined && !WORKER_ONLY_ENV.includes(k)) env[k] = v;
  // Python buffers stdout when it is a pipe; metrics would then arrive in bursts (or never, on a crash).
  env.PYTHONUNBUFFERED = '1';
  for (const [k, v] of Object.entries(config.env ?? {})) env[k] = expandTemplates(v, lookup);
  if (ctx.helperDir) {
    const rest = config.env?.PYTHONPATH ?? ctx.baseEnv.PYTHONPATH;
    env.PYTHONPATH = rest ? `${ctx.helperDir}${delimiter}${rest}` : ctx.helperDir;
  }
  for (const [k, v] of Object.entries(params)) env[paramEnvName(k)] = formatParamValue(v);
  env.RUNLENS_RUN_ID = ctx.runId;
  env.RUNLENS_STORE = resolve(ctx.storeDir);
  env.RUNLENS_EXPERIMENT = ctx.experiment;
  env.RUNLENS_CONFIG = ctx.configPath;

  return {
    argv,
    cwd: resolve(dirname(ctx.configPath), config.cwd ?? '.'),
    env,
    ...(config.timeout !== undefined ? { timeoutMs: config.timeout * 1000 } : {}),
  };
}

/**
 * The params as extra arguments: `args: set` gives `--set key=value` per
 * param; any other `args` is a format split like the command, in which
 * `{key}` and `{value}` are replaced per param (`--{key}={value}`, or
 * `--{key} {value}` for two arguments each).
 */
export function paramArgs(args: string | undefined, params: Readonly<Record<string, unknown>>): string[] {
  if (args === undefined) return [];
  const format = args === 'set' ? ['--set', '{key}={value}'] : tokenizeCommand(args).tokens.map((t) => t.value);
  const out: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    const text = formatParamValue(value);
    // One pass, so a value containing "{key}" is not replaced again.
    for (const word of format) out.push(word.replace(/\{(key|value)\}/g, (_, which: string) => (which === 'key' ? key : text)));
  }
  return out;
}
