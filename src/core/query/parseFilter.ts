import { QueryError } from './ast';
import type { CompareOp, FieldRef, FilterExpr, Literal } from './ast';
import { TokenCursor } from './tokenCursor';
import type { Token } from './tokenize';
import { column } from './tokenize';

const OPERATOR_HINT = 'an operator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, IS)';
const VALUE_HINT = "a value (a number, a 'quoted string', true, false or null)";
const SYMBOL_OPS: Readonly<Record<string, CompareOp>> = {
  '=': '=', '==': '=', '!=': '!=', '<>': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=',
};

/**
 * Parses a run filter such as
 * `metrics.rmse < 1 and (params.model = "tree" or tags.\`mlflow.source.type\` = 'LOCAL')`.
 *
 * Grammar (keywords case-insensitive; NOT binds tighter than AND, AND than OR):
 * ```
 * expr    := and ('or' and)*
 * and     := not ('and' not)*
 * not     := 'not' not | '(' expr ')' | compare
 * compare := field op literal | field [NOT] (LIKE|ILIKE) string
 *          | field [NOT] IN '(' literal (',' literal)* ')' | field IS [NOT] NULL
 * ```
 * Literal values are kept as written (status `'FAILED'` stays upper-case).
 * Throws `QueryError` pointing at the offending token; blank text is an error
 * too (see `parseFilterOrEmpty`).
 */
export function parseFilter(text: string): FilterExpr {
  const cur = new TokenCursor(text);
  if (cur.atEnd()) throw new QueryError('empty filter: expected a condition such as metrics.accuracy > 0.9', text, 0, text.length);
  const expr = parseOr(cur);
  const t = cur.peek();
  if (t.kind === ')') throw new QueryError(`unexpected ")" at column ${column(t.start)}: no "(" to close`, text, t.start, t.end);
  if (t.kind !== 'eof') throw cur.unexpected(t, 'AND, OR or the end of the filter');
  return expr;
}

/** `parseFilter`, but blank text (no filter) gives `undefined`. */
export function parseFilterOrEmpty(text: string): FilterExpr | undefined {
  return text.trim() === '' ? undefined : parseFilter(text);
}

function parseOr(cur: TokenCursor): FilterExpr {
  let left = parseAnd(cur);
  while (cur.isKeyword('or')) {
    cur.next();
    left = { kind: 'or', left, right: parseAnd(cur) };
  }
  return left;
}

function parseAnd(cur: TokenCursor): FilterExpr {
  let left = parseNot(cur);
  while (cur.isKeyword('and')) {
    cur.next();
    left = { kind: 'and', left, right: parseNot(cur) };
  }
  return left;
}

function parseNot(cur: TokenCursor): FilterExpr {
  if (cur.isKeyword('not')) {
    cur.next();
    return { kind: 'not', expr: parseNot(cur) };
  }
  const t = cur.peek();
  if (t.kind === '(') {
    cur.next();
    const expr = parseOr(cur);
    const close = cur.next();
    if (close.kind === ')') return expr;
    if (close.kind === 'eof') throw cur.missingParen(t);
    throw cur.unexpected(close, '")", AND or OR');
  }
  return parseComparison(cur);
}

function parseComparison(cur: TokenCursor): FilterExpr {
  const field = cur.field();
  const t = cur.next();
  if (t.kind === 'op') {
    const value = parseLiteral(cur);
    return { kind: 'compare', field, op: SYMBOL_OPS[t.text]!, value: value.value, start: field.start, end: value.end };
  }
  if (t.kind !== 'word') throw cur.unexpected(t, OPERATOR_HINT);
  const word = t.text.toLowerCase();
  if (word === 'like' || word === 'ilike') return parseLike(cur, field, word === 'like' ? 'LIKE' : 'ILIKE');
  if (word === 'in') return parseIn(cur, field, false);
  if (word === 'is') {
    const negated = cur.isKeyword('not');
    if (negated) cur.next();
    const n = cur.next();
    if (!(n.kind === 'word' && n.text.toLowerCase() === 'null')) throw cur.unexpected(n, negated ? 'NULL after IS NOT' : 'NULL or NOT NULL after IS');
    // IS NULL asks that the run lacks the key: an `exists` test, negated.
    return { kind: 'exists', field, negated: !negated, start: field.start, end: n.end };
  }
  if (word === 'not') {
    const n = cur.next();
    const w = n.kind === 'word' ? n.text.toLowerCase() : '';
    if (w === 'like') return parseLike(cur, field, 'NOT LIKE');
    if (w === 'ilike') return parseLike(cur, field, 'NOT ILIKE');
    if (w === 'in') return parseIn(cur, field, true);
    throw cur.unexpected(n, 'LIKE, ILIKE or IN after NOT');
  }
  throw cur.unexpected(t, OPERATOR_HINT);
}

function parseLike(cur: TokenCursor, field: FieldRef, op: CompareOp): FilterExpr {
  const value = parseLiteral(cur);
  if (typeof value.value !== 'string') {
    throw new QueryError(`${op} needs a quoted pattern such as '%tree%' (got ${value.text}) at column ${column(value.start)}`, cur.text, value.start, value.end);
  }
  return { kind: 'compare', field, op, value: value.value, start: field.start, end: value.end };
}

function parseIn(cur: TokenCursor, field: FieldRef, negated: boolean): FilterExpr {
  const open = cur.next();
  if (open.kind !== '(') throw cur.unexpected(open, '"(" after IN, as in IN (\'a\', \'b\')');
  const values: Literal[] = [parseLiteral(cur).value];
  for (;;) {
    const t = cur.next();
    if (t.kind === ')') return { kind: 'in', field, negated, values, start: field.start, end: t.end };
    if (t.kind === 'eof') throw cur.missingParen(open);
    if (t.kind !== ',') throw cur.unexpected(t, '"," or ")"');
    values.push(parseLiteral(cur).value);
  }
}

interface LiteralToken {
  readonly value: Literal;
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

function parseLiteral(cur: TokenCursor): LiteralToken {
  const t = cur.next();
  const at = (value: Literal, from: Token = t, to: Token = t): LiteralToken =>
    ({ value, text: cur.text.slice(from.start, to.end), start: from.start, end: to.end });
  switch (t.kind) {
    case 'number':
      return at(t.value as number);
    case 'string':
      return at(t.value as string);
    case '-': {
      const n = cur.peek();
      if (n.kind === 'number') return at(-(cur.next().value as number), t, n);
      if (n.kind === 'word' && /^(infinity|inf)$/i.test(n.text)) return at(-Infinity, t, cur.next());
      throw cur.unexpected(n, 'a number after "-"');
    }
    case 'word': {
      const w = t.text.toLowerCase();
      if (w === 'true' || w === 'false') return at(w === 'true');
      if (w === 'null') return at(null);
      if (w === 'nan') return at(NaN);
      if (w === 'infinity' || w === 'inf') return at(Infinity);
      throw new QueryError(
        `unexpected "${t.text}" at column ${column(t.start)}: expected ${VALUE_HINT}; quote text: '${t.text}'`,
        cur.text, t.start, t.end,
      );
    }
    case 'name':
      throw new QueryError(
        `unexpected ${t.text} at column ${column(t.start)}: backquotes are for keys; quote values with ' or "`,
        cur.text, t.start, t.end,
      );
    default:
      throw cur.unexpected(t, VALUE_HINT);
  }
}
