/**
 * Validation of user-supplied hyperparameters (from a YAML config or a sweep),
 * so that a typo or a wrong type fails before the fit with a message naming
 * the parameter.
 */

/** Documentation of one hyperparameter, for error messages and completion. */
export interface ParamInfo {
  readonly name: string;
  readonly description: string;
  readonly default: unknown;
}

type Params = Readonly<Record<string, unknown>>;

/** Throws when `params` holds a name the family does not know. */
export function checkParamNames(type: string, params: Params, known: readonly ParamInfo[]): void {
  const names = known.map((p) => p.name);
  for (const key of Object.keys(params)) {
    if (!names.includes(key)) {
      throw new Error(
        `Unknown parameter "${key}" for model "${type}". Valid parameters: ${names.join(', ')}.`,
      );
    }
  }
}

interface NumberRule {
  readonly min?: number;
  readonly max?: number;
  /** Lower bound excluded. */
  readonly minExclusive?: boolean;
  readonly integer?: boolean;
}

function describe(rule: NumberRule): string {
  const parts: string[] = [];
  if (rule.integer) parts.push('an integer');
  else parts.push('a number');
  if (rule.min !== undefined) parts.push(`${rule.minExclusive ? '>' : '>='} ${rule.min}`);
  if (rule.max !== undefined) parts.push(`<= ${rule.max}`);
  return parts.join(' ');
}

/** A finite number obeying `rule`, or `fallback` when absent. */
export function numberParam(type: string, params: Params, name: string, fallback: number, rule: NumberRule = {}): number {
  const v = params[name];
  if (v === undefined) return fallback;
  const ok =
    typeof v === 'number' &&
    Number.isFinite(v) &&
    (!rule.integer || Number.isInteger(v)) &&
    (rule.min === undefined || (rule.minExclusive ? v > rule.min : v >= rule.min)) &&
    (rule.max === undefined || v <= rule.max);
  if (!ok) throw new Error(`Parameter "${name}" of model "${type}" must be ${describe(rule)}; got ${JSON.stringify(v)}.`);
  return v as number;
}

/** Like `numberParam` but `null` (or absence, when the default is null) means "no limit". */
export function nullableNumberParam(
  type: string,
  params: Params,
  name: string,
  fallback: number | null,
  rule: NumberRule = {},
): number | null {
  const v = params[name];
  if (v === undefined) return fallback;
  if (v === null) return null;
  return numberParam(type, params, name, 0, rule);
}

/** A boolean, or `fallback` when absent. */
export function booleanParam(type: string, params: Params, name: string, fallback: boolean): boolean {
  const v = params[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new Error(`Parameter "${name}" of model "${type}" must be true or false; got ${JSON.stringify(v)}.`);
  return v;
}

/** One of `allowed`, or `fallback` when absent. */
export function enumParam<T extends string>(type: string, params: Params, name: string, fallback: T, allowed: readonly T[]): T {
  const v = params[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new Error(`Parameter "${name}" of model "${type}" must be one of ${allowed.join(', ')}; got ${JSON.stringify(v)}.`);
  }
  return v as T;
}
