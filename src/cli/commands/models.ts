/**
 * `runlens models` and `runlens model register|alias|unalias|show|delete`:
 * the model registry from the terminal. Every error is one line.
 */
import { parseArgs } from 'node:util';
import { parseModelRef } from '../../core/registry/modelRef';
import { CliError, type CliContext, type Command } from '../context';
import { jsonNumbers } from './runs';
import { modelText, modelsTable, versionDetail, versionKeyMetric, versionText } from './modelShow';

const SUBCOMMANDS = 'register, alias, unalias, show, update, delete';

function json(ctx: CliContext, value: unknown): void {
  ctx.out(JSON.stringify(value, jsonNumbers) + '\n');
}

/** `3` or `v3`. */
function parseVersion(text: string): number {
  const m = /^v?(\d+)$/i.exec(text.trim());
  const n = m ? Number(m[1]) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new CliError(`the version must be a whole number from 1 (like 3 or v3), got "${text}"`, 2);
  return n;
}

function parseTagList(list: readonly string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const t of list) {
    const eq = t.indexOf('=');
    if (eq <= 0) throw new CliError(`--tag expects key=value, got "${t}"`, 2);
    tags[t.slice(0, eq)] = t.slice(eq + 1);
  }
  return tags;
}

/** `runlens models [--json]`: every model with its versions, aliases and each source run's key metric. */
export const modelsCommand: Command = async (ctx, argv) => {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false } } });
  const store = ctx.openStore();
  const models = store.registry.listModels();
  if (values.json) {
    json(ctx, models.map((m) => ({ ...m, versions: store.registry.listModelVersions(m.name).map((v) => ({ ...v, keyMetric: versionKeyMetric(store, v) })) })));
  } else if (models.length === 0) {
    ctx.out('no registered models; register a finished run with: runlens model register <run> <name>\n');
  } else {
    ctx.out(modelsTable(store, models) + '\n');
  }
  return 0;
};

const register: Command = async (ctx, argv) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      description: { type: 'string' },
      tag: { type: 'string', multiple: true, default: [] },
      alias: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 2) throw new CliError('usage: runlens model register <run> <name> [--description T] [--tag k=v ...] [--alias A] [--json]', 2);
  const store = ctx.openStore();
  const run = store.getRun(positionals[0]);
  const v = store.registry.registerModel(run.id, positionals[1], { description: values.description, tags: parseTagList(values.tag), alias: values.alias });
  if (values.json) json(ctx, v);
  else ctx.out(`registered run ${run.name} (${run.id.slice(0, 8)}) as ${v.name} version ${v.version}${v.aliases.length ? ` @${v.aliases.join(' @')}` : ''}\n`);
  return 0;
};

const alias: Command = async (ctx, argv) => {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
  if (positionals.length !== 3) throw new CliError('usage: runlens model alias <name> <version> <alias>', 2);
  const [name, versionText, aliasName] = positionals;
  const version = parseVersion(versionText);
  const store = ctx.openStore();
  const before = store.registry.getModel(name).aliases[aliasName];
  store.registry.setModelAlias(name, version, aliasName);
  const moved = before === undefined ? '' : before === version ? ' (unchanged)' : ` (moved from version ${before})`;
  ctx.out(`${name}@${aliasName} → version ${version}${moved}\n`);
  return 0;
};

const unalias: Command = async (ctx, argv) => {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
  if (positionals.length !== 2) throw new CliError('usage: runlens model unalias <name> <alias>', 2);
  const [name, aliasName] = positionals;
  const store = ctx.openStore();
  const version = store.registry.getModel(name).aliases[aliasName];
  store.registry.deleteModelAlias(name, aliasName);
  ctx.out(`removed ${name}@${aliasName} (was version ${version})\n`);
  return 0;
};

const show: Command = async (ctx, argv) => {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  if (positionals.length !== 1) throw new CliError('usage: runlens model show <name | name:version | name@alias | run:RUN> [--json]', 2);
  const store = ctx.openStore();
  const ref = parseModelRef(positionals[0]);
  const hasSelector = /[@:]/.test(positionals[0]);
  if (ref.kind === 'latest' && !hasSelector && store.registry.findModel(ref.name)) {
    const model = store.registry.getModel(ref.name);
    const versions = store.registry.listModelVersions(ref.name).map((v) => versionDetail(store, v));
    if (values.json) json(ctx, { ...model, versions });
    else ctx.out(modelText(model, versions) + '\n');
    return 0;
  }
  if (ref.kind === 'run' || (ref.kind === 'latest' && !hasSelector)) {
    // Not a model: the versions registered from this run.
    const run = store.findRun(ref.kind === 'run' ? ref.runId : ref.name);
    if (!run) {
      const names = store.registry.listModels().map((m) => m.name);
      throw new CliError(`no model or run named "${positionals[0]}" (models: ${names.length ? names.join(', ') : 'none'})`);
    }
    const versions = store.registry.listModelVersionsOfRun(run.id).map((v) => versionDetail(store, v));
    if (values.json) json(ctx, versions);
    else if (versions.length === 0) ctx.out(`run ${run.name} is not registered; register it with: runlens model register ${run.id.slice(0, 8)} <name>\n`);
    else ctx.out(versions.map(versionText).join('\n\n') + '\n');
    return 0;
  }
  const v =
    ref.kind === 'alias' ? store.registry.getModelVersionByAlias(ref.name, ref.alias)
      : ref.kind === 'version' ? store.registry.getModelVersion(ref.name, ref.version)
        : store.registry.getLatestModelVersion(ref.name);
  const detail = versionDetail(store, v);
  if (values.json) json(ctx, detail);
  else ctx.out(versionText(detail) + '\n');
  return 0;
};

const remove: Command = async (ctx, argv) => {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
  if (positionals.length !== 1) throw new CliError('usage: runlens model delete <name>:<version>   (or <name> once it has no versions)', 2);
  const text = positionals[0];
  const ref = parseModelRef(text);
  const store = ctx.openStore();
  if (ref.kind === 'version') {
    const v = store.registry.getModelVersion(ref.name, ref.version);
    const builds = store.registry.listModelBuilds(ref.name, ref.version).length;
    const deployments = store.registry.listDeployments(ref.name, ref.version);
    store.registry.deleteModelVersion(ref.name, ref.version);
    const notes = [
      v.aliases.length ? `aliases removed: ${v.aliases.map((a) => `@${a}`).join(' ')}` : '',
      builds ? `${builds} build records removed` : '',
      deployments.some((d) => d.stoppedAt === null) ? 'a server of this version is still running until you stop it' : '',
    ].filter(Boolean);
    ctx.out(`deleted ${ref.name} version ${ref.version}${notes.length ? ` (${notes.join('; ')})` : ''}; version numbers are not reused\n`);
    return 0;
  }
  if (ref.kind === 'latest' && !/[@:]/.test(text)) {
    store.registry.deleteModel(ref.name);
    ctx.out(`deleted model ${ref.name}\n`);
    return 0;
  }
  // Deleting through an alias or "latest" could hit another version than the user saw: ask for the number.
  const hint = ref.kind === 'alias' ? ` (${ref.name}@${ref.alias} is version ${store.registry.getModelVersionByAlias(ref.name, ref.alias).version})` : '';
  throw new CliError(`model delete needs an explicit version, like ${ref.kind === 'run' ? 'churn:3' : `${ref.name}:3`}${hint}`, 2);
};

/** `model update <name> [--description T] [--tag k=v ...] [--untag k ...]`: the model's own description and tags. */
const update: Command = async (ctx, argv) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      description: { type: 'string' },
      tag: { type: 'string', multiple: true, default: [] },
      untag: { type: 'string', multiple: true, default: [] },
    },
  });
  if (positionals.length !== 1) throw new CliError('usage: runlens model update <name> [--description T] [--tag k=v ...] [--untag k ...]', 2);
  const tags: Record<string, string | null> = { ...parseTagList(values.tag) };
  for (const k of values.untag) tags[k] = null;
  const store = ctx.openStore();
  const m = store.registry.updateModel(positionals[0], { description: values.description === '' ? null : values.description, tags });
  const tagText = Object.entries(m.tags).map(([k, v]) => `${k}=${v}`).join(' ');
  ctx.out(`${m.name}: ${m.description ?? '(no description)'}${tagText ? `  [${tagText}]` : ''}\n`);
  return 0;
};

const MODEL_COMMANDS: Record<string, Command> = { register, alias, unalias, show, update, delete: remove };

/** `runlens model <register|alias|unalias|show|delete> ...` */
export const modelCommand: Command = async (ctx, argv) => {
  const [sub, ...rest] = argv;
  const command = sub === undefined ? undefined : MODEL_COMMANDS[sub];
  if (!command) throw new CliError(sub === undefined ? `usage: runlens model <${SUBCOMMANDS.replace(/, /g, '|')}> ...` : `unknown model command "${sub}" (commands: ${SUBCOMMANDS})`, 2);
  return command(ctx, rest);
};
