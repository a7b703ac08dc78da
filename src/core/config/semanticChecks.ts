import { QueryError } from '../query/ast';
import { parseFilter } from '../query/parseFilter';
import { commandIssues } from '../commandRun/commandChecks';
import { inlineProfileSemanticIssues } from '../compute/computeProfile';
import type { ConfigIssue } from './configIssue';
import { errorIssue, isRecord, warningIssue } from './issueBuilders';
import { describeValue, didYouMean, displayPath, listOr } from './describe';
import { setDotted, splitDottedPath } from './resolveDotted';
import { schemaAt } from './schemaAt';
import { schemaIssues } from './schemaIssues';

/**
 * Checks the schema cannot express: settings that contradict each other and
 * sweep entries that name a setting that does not exist. Works on any value
 * (it runs even when the schema found errors, so the editor shows everything
 * at once) and never reads files.
 */
export function semanticIssues(config: unknown): ConfigIssue[] {
  if (!isRecord(config)) return [];
  return [...taskIssues(config), ...dataIssues(config), ...sweepIssues(config), ...commandIssues(config), ...inlineProfileSemanticIssues(config.compute)];
}

const CRITERIA: Readonly<Record<string, readonly string[]>> = {
  classification: ['gini', 'entropy'],
  regression: ['squared_error'],
};
const ONLY_TASK: Readonly<Record<string, string>> = {
  logistic_regression: 'classification',
  linear_regression: 'regression',
};

function taskIssues(config: Record<string, unknown>): ConfigIssue[] {
  const task = config.task;
  const model = config.model;
  if (typeof task !== 'string' || !CRITERIA[task] || !isRecord(model)) return [];
  const out: ConfigIssue[] = [];
  const only = typeof model.type === 'string' ? ONLY_TASK[model.type] : undefined;
  if (only && only !== task) out.push(errorIssue(`model.type ${model.type} is for ${only}, but task is ${task}`, ['model', 'type']));
  const criterion = isRecord(model.params) ? model.params.criterion : undefined;
  if (model.type === 'decision_tree' && typeof criterion === 'string') {
    const fits = CRITERIA[task]!;
    const other = Object.keys(CRITERIA).find((t) => CRITERIA[t]!.includes(criterion));
    if (!fits.includes(criterion) && other) {
      out.push(errorIssue(`criterion "${criterion}" is for ${other}, but task is ${task} (use ${listOr(fits)})`, ['model', 'params', 'criterion']));
    }
  }
  return out;
}

function dataIssues(config: Record<string, unknown>): ConfigIssue[] {
  const data = config.data;
  if (!isRecord(data)) return [];
  const out: ConfigIssue[] = [];
  const clean = data.clean;
  if (isRecord(clean) && clean.fill !== undefined && clean.missing !== 'constant') {
    out.push(warningIssue('data.clean.fill is only used with missing: constant', ['data', 'clean', 'fill'], 'key'));
  }
  if (data.split !== undefined && data.path === undefined && data.train !== undefined) {
    out.push(warningIssue('data.split is ignored: the rows are already split into train and test files', ['data', 'split'], 'key'));
  }
  return out;
}

const DISTRIBUTIONS = ['uniform', 'log_uniform', 'int_uniform'];

function sweepIssues(config: Record<string, unknown>): ConfigIssue[] {
  const sweep = config.sweep;
  if (!isRecord(sweep)) return [];
  const out: ConfigIssue[] = [];
  if (typeof sweep.stop_when === 'string' && sweep.stop_when.trim() !== '') {
    try {
      parseFilter(sweep.stop_when);
    } catch (e) {
      if (!(e instanceof QueryError)) throw e;
      out.push({ ...errorIssue(`sweep.stop_when: ${e.message}`, ['sweep', 'stop_when']), inner: { start: e.start, end: Math.max(e.end, e.start + 1) } });
    }
  }
  if (!isRecord(sweep.params)) return out;
  for (const [key, values] of Object.entries(sweep.params)) {
    out.push(...sweepParamIssues(config, sweep.method, key, values));
  }
  return out;
}

function sweepParamIssues(config: Record<string, unknown>, method: unknown, key: string, values: unknown): ConfigIssue[] {
  const at = ['sweep', 'params', key];
  let path: string[];
  try {
    path = splitDottedPath(key);
  } catch {
    return []; // the schema's propertyNames pattern reports malformed keys
  }
  if (path[0] === 'sweep') return [errorIssue(`sweep param "${key}" cannot change the sweep itself`, at, 'key')];
  // A sweep is one job array on one profile (or local): every trial runs where the sweep does.
  if (path[0] === 'compute') return [errorIssue(`sweep param "${key}" cannot change where trials run: a sweep runs all its trials on one compute profile`, at, 'key')];
  const lookup = schemaAt(config, path);
  if (lookup.kind === 'unknown') {
    const model = isRecord(config.model) ? config.model : {};
    const inModel = lookup.parent.join('.') === 'model.params' && typeof model.type === 'string';
    const where = inModel
      ? `is not a parameter of ${String(model.type)}`
      : `is not a config setting: ${lookup.parent.length === 0 ? 'there is no top-level key' : `${displayPath(lookup.parent)} has no key`} "${lookup.key}"`;
    const known = lookup.allowed.length > 0 ? ` (${inModel ? 'parameters' : 'allowed'}: ${lookup.allowed.join(', ')})` : '';
    if (config.command !== undefined && lookup.parent.length === 0) {
      // A command run's own params live under params: the likely intent.
      return [errorIssue(`sweep param "${key}" ${where}; to sweep a param of the command, write params.${key}`, at, 'key')];
    }
    return [errorIssue(`sweep param "${key}" ${where}${known}${didYouMean(lookup.key, lookup.allowed)}`, at, 'key')];
  }

  const out: ConfigIssue[] = [];
  const candidates: { value: unknown; pointer: string[] }[] = [];
  if (Array.isArray(values)) {
    values.forEach((v, i) => candidates.push({ value: v, pointer: [...at, String(i)] }));
  } else if (isRecord(values)) {
    if (Array.isArray(values.choice)) values.choice.forEach((v, i) => candidates.push({ value: v, pointer: [...at, 'choice', String(i)] }));
    const kind = DISTRIBUTIONS.find((d) => values[d] !== undefined);
    const bounds = kind ? values[kind] : undefined;
    if (kind && method === 'grid') {
      out.push(errorIssue(`grid search cannot sample ${kind} for "${key}": list the values, or use method: random`, [...at, kind], 'key'));
    }
    if (kind && Array.isArray(bounds) && bounds.length === 2 && bounds.every((b) => typeof b === 'number')) {
      const [low, high] = bounds as [number, number];
      if (!(low < high) && !(kind === 'int_uniform' && low === high)) {
        out.push(errorIssue(`${kind} for "${key}" needs low < high (got ${describeValue(bounds)})`, [...at, kind]));
      }
      bounds.forEach((b, i) => candidates.push({ value: b, pointer: [...at, kind, String(i)] }));
      if (kind === 'uniform' && lookup.kind === 'known' && isIntegerOnly(config, path, low)) {
        out.push(warningIssue(`"${key}" takes integers but uniform samples fractions; use int_uniform`, [...at, kind], 'key'));
      }
    }
  }
  if (lookup.kind === 'known') {
    for (const c of candidates) {
      const problem = schemaIssues(setDotted(config, path, c.value)).find((i) => startsWith(i.pointer, path));
      if (problem) out.push(errorIssue(`sweep value ${describeValue(c.value)}: ${problem.message}`, c.pointer));
    }
  }
  return out;
}

/** Whether the setting takes integers only: a fraction near `low` fails where the integer passes. */
function isIntegerOnly(config: Record<string, unknown>, path: readonly string[], low: number): boolean {
  const fails = (v: number) => schemaIssues(setDotted(config, path, v)).some((i) => startsWith(i.pointer, path));
  return fails(Math.floor(low) + 0.5) && !fails(Math.ceil(low));
}

function startsWith(pointer: readonly string[], prefix: readonly string[]): boolean {
  return prefix.every((seg, i) => pointer[i] === seg);
}
