/**
 * Wording for config messages: paths, values and schemas in plain English,
 * e.g. `model.params.max_depth must be an integer ≥ 1 or null (got "four")`.
 */
import { editDistance } from '../util/closestName';

/** A JSON Schema node as this code reads it (draft-07 subset + VS Code extras). */
export interface SchemaNode {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly additionalProperties?: boolean | SchemaNode;
  readonly propertyNames?: SchemaNode;
  readonly items?: SchemaNode;
  readonly required?: readonly string[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly SchemaNode[];
  readonly oneOf?: readonly SchemaNode[];
  readonly allOf?: readonly SchemaNode[];
  readonly if?: SchemaNode;
  readonly then?: SchemaNode;
  readonly else?: SchemaNode;
  readonly $ref?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minProperties?: number;
  readonly maxProperties?: number;
  readonly default?: unknown;
  readonly description?: string;
  /** VS Code's override of the message shown when this schema fails. */
  readonly errorMessage?: string;
}

/** `model.params.max_depth`, `data.features.include[2]`, `sweep.params["model.params.max_depth"]`. */
export function displayPath(pointer: readonly string[]): string {
  if (pointer.length === 0) return 'the config';
  let out = '';
  for (const seg of pointer) {
    if (/^\d+$/.test(seg)) out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** A longer string (a whole CSV file read as a config) is cut here, so the error stays one readable line. */
const MAX_SHOWN_CHARS = 80;

/** A value as a user would write it: `"four"`, `2.5`, `null`, `[1, 2]`, or `a mapping`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return value.length > MAX_SHOWN_CHARS ? `${JSON.stringify(value.slice(0, MAX_SHOWN_CHARS))}… (${value.length} characters)` : JSON.stringify(value);
  if (value === null || typeof value === 'boolean') return String(value);
  const json = JSON.stringify(value);
  if (json !== undefined && json.length <= 40) return Array.isArray(value) ? json.replace(/,/g, ', ') : json;
  return Array.isArray(value) ? `a list of ${value.length} items` : 'a mapping';
}

/** Joins `["a", "b", "c"]` as `a, b or c`. */
export function listOr(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function range(s: SchemaNode): string {
  const parts: string[] = [];
  if (s.minimum !== undefined) parts.push(`≥ ${s.minimum}`);
  if (s.exclusiveMinimum !== undefined) parts.push(`> ${s.exclusiveMinimum}`);
  if (s.maximum !== undefined) parts.push(`≤ ${s.maximum}`);
  if (s.exclusiveMaximum !== undefined) parts.push(`< ${s.exclusiveMaximum}`);
  return parts.length > 0 ? ` ${parts.join(' and ')}` : '';
}

function plural(singular: string): string {
  const m = /^(?:an? )(integer|number|non-empty string|string)(.*)$/.exec(singular);
  return m ? `${m[1]}s${m[2]}` : `items that are ${singular}`;
}

function noun(type: string, s: SchemaNode): string {
  switch (type) {
    case 'integer':
      return `an integer${range(s)}`;
    case 'number':
      return `a number${range(s)}`;
    case 'string':
      return s.minLength ? 'a non-empty string' : 'a string';
    case 'boolean':
      return 'true or false';
    case 'null':
      return 'null';
    case 'object':
      return 'a mapping';
    case 'array': {
      const of = s.items ? ` of ${plural(describeSchema(s.items))}` : '';
      if (s.minItems !== undefined && s.minItems === s.maxItems) return `a list of ${s.minItems}${of ? of.slice(3) : ' items'}`;
      const list = s.minItems ? 'a non-empty list' : 'a list';
      if (s.maxItems !== undefined) return `${list} of at most ${s.maxItems}${of ? of.slice(3) : ' items'}`;
      return `${list}${of}`;
    }
    default:
      return type;
  }
}

/** What a schema accepts, in words: `an integer ≥ 1 or null`, `"sqrt", "log2" or null`. */
export function describeSchema(s: SchemaNode): string {
  const union = s.anyOf ?? s.oneOf;
  // An enum branch contributes its values, so the list reads as one "or".
  if (union) return listOr(union.flatMap((b) => (b.enum && !b.anyOf ? b.enum.map(describeValue) : [describeSchema(b)])));
  if (s.const !== undefined) return describeValue(s.const);
  if (s.enum) return listOr(s.enum.map(describeValue));
  if (s.type === undefined) return 'a valid value';
  const all = typeof s.type === 'string' ? [s.type] : s.type;
  // `number` accepts integers too, so "a number or an integer" says nothing.
  const types = all.filter((t) => !(t === 'integer' && all.includes('number')));
  return listOr(types.map((t) => noun(t, s)));
}

/** The candidate closest to `word` by edit distance, when it is a plausible typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.min(3, Math.floor(word.length / 3))) ? best : undefined;
}

/** `; did you mean "type"?` when a close candidate exists, else ''. */
export function didYouMean(word: unknown, candidates: readonly string[]): string {
  if (typeof word !== 'string') return '';
  const c = closest(word, candidates);
  return c !== undefined && c !== word ? `; did you mean "${c}"?` : '';
}
