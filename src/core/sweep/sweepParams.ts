import type { SweepConfig } from '../config/trainConfig';

export type FlatParam = string | number | boolean | null;

/**
 * A trial's `--set` overrides: `path=value` with the value as JSON, which
 * the override parser reads back as YAML with the same type (JSON is YAML).
 */
export function trialOverrides(params: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(params).map(([path, value]) => `${path}=${JSON.stringify(value)}`);
}

/** The last segment of a dotted path: `model.params.max_depth` → `max_depth` (for short labels). */
export function shortName(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}

/** `max_depth=4, criterion=gini`: a trial's params for one-line messages. */
export function describeTrialParams(params: Readonly<Record<string, unknown>>): string {
  return Object.entries(params).map(([k, v]) => `${shortName(k)}=${formatValue(v)}`).join(', ');
}

/** A param value for humans: numbers to 4 significant digits, strings bare, the rest as JSON. */
export function formatValue(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
  if (typeof v === 'string') return v;
  return JSON.stringify(v) ?? 'undefined';
}

/** The resolved sweep settings recorded on the parent run. */
export interface ResolvedSweep {
  readonly config: SweepConfig;
  readonly trials: number;
  readonly parallel: number;
  readonly seed: number;
  readonly metric?: string;
  readonly goal?: string;
}

/**
 * The sweep definition as flat params of the sweep's parent run:
 * `sweep.method`, `sweep.trials` (the number planned), `sweep.parallel`,
 * `sweep.seed`, `sweep.metric`, `sweep.goal`, `sweep.max_failures`,
 * `sweep.stop_when`, and `sweep.params.<path>` = the values as JSON
 * (`[2,4,8]`, `{"log_uniform":[0.0001,0.1]}`).
 */
export function sweepDefinitionParams(s: ResolvedSweep): Record<string, FlatParam> {
  const out: Record<string, FlatParam> = {
    'sweep.method': s.config.method,
    'sweep.trials': s.trials,
    'sweep.parallel': s.parallel,
    'sweep.seed': s.seed,
  };
  if (s.metric !== undefined) out['sweep.metric'] = s.metric;
  if (s.goal !== undefined) out['sweep.goal'] = s.goal;
  if (s.config.max_failures !== undefined) out['sweep.max_failures'] = s.config.max_failures;
  if (s.config.stop_when !== undefined) out['sweep.stop_when'] = s.config.stop_when;
  for (const [path, values] of Object.entries(s.config.params)) out[`sweep.params.${path}`] = JSON.stringify(values);
  return out;
}
