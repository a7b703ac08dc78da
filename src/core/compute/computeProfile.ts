import type { ValidateFunction } from 'ajv';
import schemaJson from '../../../schemas/runlens.schema.json';
import type { ConfigIssue } from '../config/configIssue';
import type { SchemaNode } from '../config/describe';
import { displayPath } from '../config/describe';
import { errorIssue, isRecord, warningIssue } from '../config/issueBuilders';
import { schemaIssues } from '../config/schemaIssues';
import { schemaAjv } from '../config/trainSchema';

/** The built-in profile: a child process on this machine, as without a profile. */
export interface LocalProfile {
  readonly name: string;
  readonly backend: 'local';
}

/**
 * A batch job on a Slurm cluster. Every field but `name`, `backend`, `setup`
 * and `env` is one `sbatch` option; `schemas/runlens.schema.json` says what
 * each accepts (`computeProfile`), and this type mirrors it.
 */
export interface SlurmProfile {
  readonly name: string;
  readonly backend: 'slurm';
  readonly partition?: string;
  /** Slurm's time formats as written (`30`, `4:00:00`, `2-00:00:00`); a number of minutes becomes its string. */
  readonly time?: string;
  readonly cpus_per_task?: number;
  /** `16G`, `512M`; a bare number (megabytes) becomes its string. */
  readonly mem?: string;
  readonly gres?: string;
  readonly account?: string;
  readonly qos?: string;
  readonly constraint?: string;
  /** The user's own shell lines, run in the job script before training, as given. */
  readonly setup?: readonly string[];
  /** More sbatch options, one argument each (`--exclusive`, `--nodes=1`). */
  readonly extra?: readonly string[];
  /** true: `--requeue`; false: `--no-requeue`; absent: the cluster's default. */
  readonly requeue?: boolean;
  /** Environment variables of the job. */
  readonly env?: Readonly<Record<string, string>>;
}

export type ComputeProfile = LocalProfile | SlurmProfile;

/** The name of the built-in profile, the default when nothing picks one. */
export const LOCAL_PROFILE_NAME = 'local';

export const LOCAL_PROFILE: LocalProfile = { name: LOCAL_PROFILE_NAME, backend: 'local' };

/** `runlens.yaml`'s schema (its `compute:` profiles), the source of truth of the profile format. */
export const runlensFileSchema: SchemaNode = schemaJson as SchemaNode;

const profileSchema = schemaJson.definitions.computeProfile;

/** The keys a profile may hold, in the schema's order. */
export const PROFILE_KEYS: readonly string[] = Object.keys(profileSchema.properties);

/**
 * sbatch options RunLens sets itself: a job whose output, array or working
 * folder moved would leave the run without its log or its spool.
 */
const RUNLENS_OWNED = new Map<string, string>([
  ['--output', 'the job log'], ['-o', 'the job log'], ['--error', 'the job log'], ['-e', 'the job log'],
  ['--array', 'sweeps'], ['-a', 'sweeps'], ['--parsable', 'reading the job id'], ['--wrap', 'the job script'],
  ['--chdir', 'the working folder'], ['-D', 'the working folder'], ['--wait', 'submitting'], ['-W', 'submitting'],
]);

/** sbatch options that have a profile key of their own (validated there). */
const OWN_KEY = new Map<string, string>([
  ['--partition', 'partition'], ['-p', 'partition'], ['--time', 'time'], ['-t', 'time'],
  ['--cpus-per-task', 'cpus_per_task'], ['-c', 'cpus_per_task'], ['--mem', 'mem'], ['--gres', 'gres'],
  ['--account', 'account'], ['-A', 'account'], ['--qos', 'qos'], ['-q', 'qos'],
  ['--constraint', 'constraint'], ['-C', 'constraint'], ['--requeue', 'requeue'], ['--no-requeue', 'requeue'],
]);

/** The option an `extra` item names: `--nodes` of `--nodes=2`, `-p` of `-pgpu`. */
function optionName(arg: string): string {
  return arg.startsWith('--') ? arg.replace(/[=\s].*$/s, '') : arg.slice(0, 2);
}

/** Checks the schema cannot say: `extra` items that break RunLens's own options or hold two arguments. */
function extraIssues(extra: unknown, pointer: readonly string[]): ConfigIssue[] {
  if (!Array.isArray(extra)) return [];
  const issues: ConfigIssue[] = [];
  extra.forEach((arg, i) => {
    if (typeof arg !== 'string' || !arg.startsWith('-')) return;
    const at = [...pointer, 'extra', String(i)];
    const name = optionName(arg);
    const owned = RUNLENS_OWNED.get(name);
    const key = OWN_KEY.get(name);
    const split = /^(--[A-Za-z][\w-]*)\s+(\S.*)$/s.exec(arg);
    if (owned) issues.push(errorIssue(`${displayPath(at)}: RunLens sets ${name} itself (${owned}); remove it`, at));
    else if (split) issues.push(errorIssue(`${displayPath(at)}: one argument per item; write "${split[1]}=${split[2]}"`, at));
    else if (key) issues.push(warningIssue(`${displayPath(at)}: ${name} has its own key; write "${key}:" in the profile (it is checked there)`, at));
  });
  return issues;
}

/** `env` keys RunLens sets in the job itself (RUNLENS_STORE, RUNLENS_SPOOL, …): a profile must not move them. */
function envIssues(env: unknown, pointer: readonly string[]): ConfigIssue[] {
  if (!isRecord(env)) return [];
  return Object.keys(env).filter((k) => k.startsWith('RUNLENS_')).map((k) => {
    const at = [...pointer, 'env', k];
    return errorIssue(`${displayPath(at)}: RunLens sets the RUNLENS_ variables of a job itself (where the run writes); remove it`, at, 'key');
  });
}

/** What the schema cannot say about one profile at `pointer`. */
function profileSemanticIssues(profile: unknown, pointer: readonly string[]): ConfigIssue[] {
  return isRecord(profile) ? [...extraIssues(profile.extra, pointer), ...envIssues(profile.env, pointer)] : [];
}

/** The semantic checks of every profile in a mapping of name → profile at `pointer`. */
export function profileMapIssues(profiles: unknown, pointer: readonly string[]): ConfigIssue[] {
  if (!isRecord(profiles)) return [];
  return Object.entries(profiles).flatMap(([name, p]) => profileSemanticIssues(p, [...pointer, name]));
}

let fileValidator: ValidateFunction | undefined;
let settingValidator: ValidateFunction | undefined;
let inlineValidator: ValidateFunction | undefined;

/** A schema whose value at `path` is `node`, so messages name the whole path (`runlens.compute.gpu.time`). */
function nestedSchema(path: readonly string[], node: object): object {
  let schema: object = node;
  for (const key of [...path].reverse()) schema = { type: 'object', properties: { [key]: schema } };
  return { ...schema, definitions: schemaJson.definitions };
}

/**
 * Problems in the value of a whole `runlens.yaml` (schema and semantic),
 * pointers from the file's root (`['compute', 'gpu', 'time']`).
 */
export function runlensFileIssues(value: unknown): ConfigIssue[] {
  fileValidator ??= schemaAjv().compile(runlensFileSchema);
  return [...schemaIssues(value, fileValidator), ...(isRecord(value) ? profileMapIssues(value.compute, ['compute']) : [])];
}

/**
 * Problems in the `runlens.compute` setting (name → profile), pointers from
 * `['runlens', 'compute']` so messages read `runlens.compute.gpu.time …`.
 */
export function personalProfilesIssues(value: unknown): ConfigIssue[] {
  settingValidator ??= schemaAjv().compile(nestedSchema(['runlens', 'compute'], schemaJson.properties.compute));
  return [...schemaIssues({ runlens: { compute: value } }, settingValidator), ...profileMapIssues(value, ['runlens', 'compute'])];
}

/** Problems in a config's inline `compute:` profile, pointers from the config's root (`['compute', 'time']`). */
export function inlineProfileIssues(value: unknown): ConfigIssue[] {
  inlineValidator ??= schemaAjv().compile(nestedSchema(['compute'], { $ref: '#/definitions/computeProfile' }));
  return [...schemaIssues({ compute: value }, inlineValidator), ...inlineProfileSemanticIssues(value)];
}

/** What the train schema cannot say about a config's inline `compute:` profile (`extra` items, RunLens's own `env`). */
export function inlineProfileSemanticIssues(value: unknown): ConfigIssue[] {
  return profileSemanticIssues(value, ['compute']);
}

/**
 * The profile named `name` from a value that passed its checks (numbers of
 * `time` and `mem` become strings, as sbatch reads them).
 */
export function toComputeProfile(name: string, value: Readonly<Record<string, unknown>>): ComputeProfile {
  if (value.backend === 'local') return { name, backend: 'local' };
  const rest = Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'backend' && k !== 'time' && k !== 'mem'));
  const { time, mem } = value;
  return {
    ...(rest as Omit<SlurmProfile, 'name' | 'backend' | 'time' | 'mem'>),
    name,
    backend: 'slurm',
    ...(time !== undefined ? { time: String(time) } : {}),
    ...(mem !== undefined ? { mem: String(mem) } : {}),
  };
}
