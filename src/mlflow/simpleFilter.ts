import { QueryError } from '../core/query/ast';
import { tokenize } from '../core/query/tokenize';
import type { Token } from '../core/query/tokenize';
import { likeMatches } from '../tracking/sqlText';
import { invalidParam } from './restShapes';

export type SimpleOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN';

/** One comparison of an MLflow search filter over experiments or the registry. */
export interface SimpleClause {
  readonly entity: 'attribute' | 'tag';
  /** Attribute name (lower-case) or tag key. */
  readonly key: string;
  readonly op: SimpleOp;
  readonly value: string | number | readonly (string | number)[];
}

const TAG_PREFIXES = new Set(['tags', 'tag']);
const ATTRIBUTE_PREFIXES = new Set(['attributes', 'attribute', 'attr']);
const SYMBOLS: Readonly<Record<string, SimpleOp>> = { '=': '=', '==': '=', '!=': '!=', '<>': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

function literal(t: Token, text: string): string | number {
  if (t.kind === 'string' || t.kind === 'number') return t.value as string | number;
  throw invalidParam(`Invalid filter '${text}': expected a quoted string or a number at "${t.text}"`);
}

/**
 * Parses the filters MLflow's experiment and registry searches take: comparisons
 * joined by AND, on attributes (`name`, `creation_time`, `run_id`, …, with or
 * without `attributes.`) and `tags.<key>` (a key may be backquoted or
 * double-quoted). OR, NOT and parentheses are not part of that grammar. An
 * error is MLflow's INVALID_PARAMETER_VALUE.
 */
export function parseSimpleFilter(text: string | undefined): SimpleClause[] {
  if (!text || text.trim() === '') return [];
  let tokens: Token[];
  try {
    tokens = tokenize(text);
  } catch (e) {
    if (e instanceof QueryError) throw invalidParam(`Invalid filter '${text}': ${e.message}`);
    throw e;
  }
  let i = 0;
  const next = (): Token => tokens[Math.min(i++, tokens.length - 1)]!;
  const peek = (): Token => tokens[Math.min(i, tokens.length - 1)]!;
  const clauses: SimpleClause[] = [];
  for (;;) {
    const f = next();
    if (f.kind !== 'word') throw invalidParam(`Invalid filter '${text}': expected a field at "${f.text}"`);
    const dot = f.text.indexOf('.');
    let entity: SimpleClause['entity'] = 'attribute';
    let key = f.text.toLowerCase();
    if (dot >= 0) {
      const prefix = f.text.slice(0, dot).toLowerCase();
      if (TAG_PREFIXES.has(prefix)) entity = 'tag';
      else if (!ATTRIBUTE_PREFIXES.has(prefix)) throw invalidParam(`Invalid filter '${text}': unknown entity "${f.text.slice(0, dot)}"`);
      key = f.text.slice(dot + 1);
      const q = peek();
      if (key === '' && (q.kind === 'name' || (q.kind === 'string' && q.quote === '"')) && q.start === f.end) key = String(next().value);
      if (entity === 'attribute') key = key.toLowerCase();
    }
    const o = next();
    let op: SimpleOp;
    if (o.kind === 'op' && SYMBOLS[o.text]) op = SYMBOLS[o.text]!;
    else if (o.kind === 'word' && /^(i?like|in)$/i.test(o.text)) op = o.text.toUpperCase() as SimpleOp;
    else if (o.kind === 'word' && /^not$/i.test(o.text) && /^in$/i.test(peek().text)) {
      next();
      op = 'NOT IN';
    } else throw invalidParam(`Invalid filter '${text}': expected a comparison operator at "${o.text}"`);
    let value: SimpleClause['value'];
    if (op === 'IN' || op === 'NOT IN') {
      if (next().kind !== '(') throw invalidParam(`Invalid filter '${text}': ${op} needs a list in parentheses`);
      const list: (string | number)[] = [];
      for (;;) {
        list.push(literal(next(), text));
        const sep = next();
        if (sep.kind === ')') break;
        if (sep.kind !== ',') throw invalidParam(`Invalid filter '${text}': expected "," or ")" at "${sep.text}"`);
      }
      value = list;
    } else value = literal(next(), text);
    clauses.push({ entity, key, op, value });
    const t = next();
    if (t.kind === 'eof') return clauses;
    if (!(t.kind === 'word' && /^and$/i.test(t.text))) throw invalidParam(`Invalid filter '${text}': expected AND at "${t.text}"`);
  }
}

/** Whether a value satisfies a clause; a missing value (a tag the record lacks) never does, as in MLflow's SQL joins. */
export function clauseHolds(c: SimpleClause, actual: string | number | undefined): boolean {
  if (actual === undefined) return false;
  const v = c.value;
  switch (c.op) {
    case 'IN':
    case 'NOT IN': {
      const found = (v as readonly (string | number)[]).some((x) => String(x) === String(actual));
      return c.op === 'IN' ? found : !found;
    }
    case 'LIKE':
    case 'ILIKE':
      return likeMatches(String(actual), String(v), c.op === 'ILIKE');
    default: {
      const a = typeof actual === 'number' ? actual : actual;
      const b = typeof actual === 'number' ? Number(v) : String(v);
      const cmp = a < b ? -1 : a > b ? 1 : 0;
      return { '=': cmp === 0, '!=': cmp !== 0, '<': cmp < 0, '<=': cmp <= 0, '>': cmp > 0, '>=': cmp >= 0 }[c.op];
    }
  }
}
