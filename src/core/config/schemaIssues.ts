import type { ErrorObject, ValidateFunction } from 'ajv';
import type { ConfigIssue } from './configIssue';
import { fromJsonPointer } from './configIssue';
import type { SchemaNode } from './describe';
import { closest, describeSchema, describeValue, didYouMean, displayPath } from './describe';
import { trainValidator } from './trainSchema';

/** Keywords that judge a value itself; several at one node make one message. */
const VALUE_KEYWORDS = new Set([
  'type', 'enum', 'const', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf',
  'minLength', 'maxLength', 'pattern', 'format', 'minItems', 'maxItems',
]);

/** Keywords about something missing inside an object: marked on the object's key. */
const PARENT_KEYWORDS = new Set(['required', 'not', 'anyOf', 'oneOf']);

/**
 * Schema validation of a config value, as human messages with JSON pointers;
 * `validate` is the train schema's unless another schema is given (runlens.yaml).
 */
export function schemaIssues(value: unknown, validate: ValidateFunction = trainValidator()): ConfigIssue[] {
  if (validate(value)) return [];
  return humanize(validate.errors ?? []);
}

function within(e: ErrorObject, c: ErrorObject): boolean {
  const samePlace = e.instancePath === c.instancePath || e.instancePath.startsWith(`${c.instancePath}/`);
  return samePlace && e.schemaPath.startsWith(`${c.schemaPath}/`);
}

/**
 * Turns ajv's errors into one message per problem. ajv reports a failed
 * `anyOf` as the failure of every branch plus the anyOf itself, and a failed
 * `then` as an extra `if` error; users want the one real mistake.
 */
function humanize(all: readonly ErrorObject[]): ConfigIssue[] {
  // Errors carrying `propertyName` come from inside `propertyNames` and only
  // repeat the outer propertyNames error.
  let errors = all.filter((e) => e.keyword !== 'if' && e.propertyName === undefined);
  const typos = misspeltRequiredKeys(errors);
  // The missing key a typo caused is said by the typo's own message.
  errors = errors.filter((e) => !(e.keyword === 'required' && typos.has(typoKey(e.instancePath, String(e.params.missingProperty)))));
  const issues: ConfigIssue[] = [];
  const combinators = errors
    .filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')
    .sort((a, b) => b.schemaPath.length - a.schemaPath.length);
  for (const c of combinators) {
    if (!errors.includes(c)) continue;
    const branch = errors.filter((e) => within(e, c));
    errors = errors.filter((e) => e !== c && !branch.includes(e));
    const pointer = fromJsonPointer(c.instancePath);
    const schema = c.parentSchema as SchemaNode;
    if (schema.errorMessage) {
      const missing = branch.every((e) => e.keyword === 'required');
      if (missing && typosExplainABranch(c, typos)) continue;
      issues.push({ message: schema.errorMessage, severity: 'error', pointer, target: missing ? 'parent' : 'value' });
    } else if (branch.every((e) => e.instancePath === c.instancePath && VALUE_KEYWORDS.has(e.keyword))) {
      issues.push(valueIssue(pointer, schema, c.data));
    } else {
      errors.push(...bestBranch(branch, c.schemaPath));
    }
  }

  const valueGroups = new Map<string, ErrorObject>();
  for (const e of errors) {
    if (VALUE_KEYWORDS.has(e.keyword)) {
      const key = `${e.instancePath}|${e.schemaPath.slice(0, e.schemaPath.lastIndexOf('/'))}`;
      if (!valueGroups.has(key)) {
        valueGroups.set(key, e);
        issues.push(valueIssue(fromJsonPointer(e.instancePath), e.parentSchema as SchemaNode, e.data));
      }
    } else {
      issues.push(keywordIssue(e, typos));
    }
  }

  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.pointer.join('\0')}|${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * When no branch of an anyOf fits and the failures lie deeper than the
 * anyOf's own node, the branch that got furthest is the one the user meant.
 */
function bestBranch(branch: readonly ErrorObject[], at: string): ErrorObject[] {
  const groups = new Map<string, ErrorObject[]>();
  for (const e of branch) {
    const index = e.schemaPath.slice(at.length + 1).split('/')[0]!;
    groups.set(index, [...(groups.get(index) ?? []), e]);
  }
  const depth = (es: readonly ErrorObject[]) => Math.max(...es.map((e) => e.instancePath.split('/').length));
  return [...groups.values()].sort((a, b) => depth(b) - depth(a) || a.length - b.length)[0] ?? [];
}

function valueIssue(pointer: readonly string[], schema: SchemaNode, data: unknown): ConfigIssue {
  const path = displayPath(pointer);
  let message: string;
  if (schema.errorMessage) {
    message = `${path} ${schema.errorMessage} (got ${describeValue(data)})`;
  } else if (schema.enum) {
    const names = schema.enum.map((v) => (typeof v === 'string' ? v : describeValue(v)));
    message = `${path} ${describeValue(data)} is not one of: ${names.join(', ')}${didYouMean(data, names)}`;
  } else {
    message = `${path} must be ${describeSchema(schema)} (got ${describeValue(data)})`;
  }
  return { message, severity: 'error', pointer, target: 'value' };
}

/** Where a misspelt key stands for a missing required key: `instancePath|meant` → the key typed. */
function typoKey(instancePath: string, meant: string): string {
  return `${instancePath}|${meant}`;
}

/**
 * Unknown keys that are likely misspellings of a required key missing beside
 * them (`taget` for `target`): one error says both, instead of a "missing
 * required key" and then the typo that caused it.
 */
function misspeltRequiredKeys(errors: readonly ErrorObject[]): Map<string, string> {
  const missing = new Map<string, string[]>();
  for (const e of errors) {
    if (e.keyword === 'required') missing.set(e.instancePath, [...(missing.get(e.instancePath) ?? []), String(e.params.missingProperty)]);
  }
  const typos = new Map<string, string>();
  for (const e of errors) {
    if (e.keyword !== 'additionalProperties') continue;
    const key = String(e.params.additionalProperty);
    const meant = closest(key, missing.get(e.instancePath) ?? []);
    if (meant !== undefined && !typos.has(typoKey(e.instancePath, meant))) typos.set(typoKey(e.instancePath, meant), key);
  }
  return typos;
}

/**
 * True when one branch of the anyOf `c` asks only for required keys and each
 * one it misses is a key a typo stands for (`modle` for `model`, `data` present).
 */
function typosExplainABranch(c: ErrorObject, typos: ReadonlyMap<string, string>): boolean {
  const data = c.data;
  if (typeof data !== 'object' || data === null || !Array.isArray(c.schema)) return false;
  return (c.schema as { required?: unknown }[]).some((branch) => {
    if (!Array.isArray(branch.required)) return false;
    const missing = branch.required.map(String).filter((k) => !Object.hasOwn(data, k));
    return missing.length > 0 && missing.every((k) => typos.has(typoKey(c.instancePath, k)));
  });
}

function keywordIssue(e: ErrorObject, typos: ReadonlyMap<string, string>): ConfigIssue {
  const pointer = fromJsonPointer(e.instancePath);
  const path = displayPath(pointer);
  const schema = (e.parentSchema ?? {}) as SchemaNode;
  const params = e.params as Record<string, unknown>;
  const issue = (message: string, target: ConfigIssue['target'] = 'value', at: readonly string[] = pointer): ConfigIssue =>
    ({ message, severity: 'error', pointer: at, target });
  const props = Object.keys(schema.properties ?? {}).filter((k) => !k.startsWith('$'));

  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const where = pointer.length === 0 ? 'at the top level' : `in ${path}`;
      const meant = [...typos].find(([at, typed]) => typed === key && at.startsWith(`${e.instancePath}|`))?.[0].slice(e.instancePath.length + 1);
      if (meant !== undefined) return issue(`unknown key "${key}" ${where}; did you mean "${meant}"? (a required key)`, 'key', [...pointer, key]);
      return issue(`unknown key "${key}" ${where} (allowed: ${props.join(', ')})${didYouMean(key, props)}`, 'key', [...pointer, key]);
    }
    case 'propertyNames': {
      const key = String(params.propertyName);
      const why = schema.propertyNames?.errorMessage;
      return issue(`invalid key "${key}" in ${path}${why ? `: ${why}` : ''}`, 'key', [...pointer, key]);
    }
    case 'dependencies': {
      const key = String(params.property);
      return issue(`${path} has "${key}" but no "${String(params.missingProperty)}"`, 'key', [...pointer, key]);
    }
    case 'minProperties':
    case 'maxProperties': {
      const got = typeof e.data === 'object' && e.data !== null ? Object.keys(e.data) : [];
      if (schema.maxProperties === 1 && props.length > 0) {
        return issue(`${path} takes exactly one of: ${props.join(', ')}${got.length > 0 ? ` (got ${got.join(', ')})` : ''}`);
      }
      return issue(e.keyword === 'minProperties' && params.limit === 1 ? `${path} must not be empty` : `${path} ${e.message ?? 'has the wrong number of keys'}`);
    }
    case 'uniqueItems': {
      const j = Number(params.j);
      const item = Array.isArray(e.data) ? e.data[j] : undefined;
      return issue(`${path} lists ${describeValue(item)} twice`, 'value', [...pointer, String(j)]);
    }
    default:
      break;
  }
  if (schema.errorMessage) return issue(schema.errorMessage, PARENT_KEYWORDS.has(e.keyword) ? 'parent' : 'value');
  if (e.keyword === 'required') {
    const missing = String(params.missingProperty);
    return issue(`missing required key "${missing}"${pointer.length > 0 ? ` in ${path}` : ''}`, 'parent');
  }
  if (e.keyword === 'not') return issue(`${path} is not allowed here`, 'parent');
  return issue(`${path} ${e.message ?? 'is invalid'}`);
}
