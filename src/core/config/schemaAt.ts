import type { SchemaNode } from './describe';
import { deref, matchesFragment, trainSchema } from './trainSchema';

/** What the train schema says about one config path. */
export type SchemaLookup =
  /** The schemas that all apply to the path (allOf semantics). */
  | { readonly kind: 'known'; readonly schemas: readonly SchemaNode[] }
  /** The path lies inside a free-form map (`params`, or `model.params` of an unknown type). */
  | { readonly kind: 'free' }
  /** `key` is not allowed in the mapping at `parent`; `allowed` lists what is. */
  | { readonly kind: 'unknown'; readonly parent: readonly string[]; readonly key: string; readonly allowed: readonly string[] };

/**
 * Every schema that applies at this node: follows `$ref` and `allOf`, and
 * takes an `if`/`then`/`else` branch by testing `value` (so `model.params`
 * resolves to the params of `model.type`).
 */
function expand(node: SchemaNode, value: unknown, out: SchemaNode[] = []): SchemaNode[] {
  const s = deref(node);
  out.push(s);
  for (const sub of s.allOf ?? []) expand(sub, value, out);
  if (s.if && typeof value === 'object' && value !== null) {
    const branch = matchesFragment(s.if, value) ? s.then : s.else;
    if (branch) expand(branch, value, out);
  }
  return out;
}

/**
 * Looks up the schema of `path` (keys, not a dotted string) in `config`,
 * e.g. `['model', 'params', 'max_depth']` under a decision_tree config.
 */
export function schemaAt(config: unknown, path: readonly string[]): SchemaLookup {
  let schemas = expand(trainSchema, config);
  let value: unknown = config;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const next: SchemaNode[] = [];
    let open = false;
    for (const s of schemas) {
      const prop = s.properties?.[seg];
      if (prop) next.push(prop);
      else if (s.items && /^\d+$/.test(seg)) next.push(s.items);
      else if (typeof s.additionalProperties === 'object') next.push(s.additionalProperties);
      else if (s.additionalProperties === false) {
        const allowed = schemas.flatMap((x) => Object.keys(x.properties ?? {})).filter((k) => !k.startsWith('$'));
        return { kind: 'unknown', parent: path.slice(0, i), key: seg, allowed: [...new Set(allowed)] };
      } else if (s.type === 'object' || s.properties) open = true;
    }
    if (next.length === 0) return open ? { kind: 'free' } : { kind: 'unknown', parent: path.slice(0, i), key: seg, allowed: [] };
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[seg] : undefined;
    schemas = next.flatMap((s) => expand(s, value));
  }
  return { kind: 'known', schemas };
}

/** The JSON types a schema accepts (`integer` counted as `number`), through anyOf/oneOf/enum. */
export function acceptedTypes(schemas: readonly SchemaNode[]): Set<string> {
  const out = new Set<string>();
  const visit = (node: SchemaNode) => {
    const s = deref(node);
    const types = s.type === undefined ? [] : typeof s.type === 'string' ? [s.type] : s.type;
    for (const t of types) out.add(t === 'integer' ? 'number' : t);
    for (const v of s.enum ?? []) out.add(jsonType(v));
    if (s.const !== undefined) out.add(jsonType(s.const));
    for (const b of s.anyOf ?? s.oneOf ?? []) visit(b);
  };
  schemas.forEach(visit);
  return out;
}

/** `string`, `number`, `boolean`, `null`, `array` or `object`. */
export function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}
