import { QueryError } from './ast';

/**
 * Tokens of the filter and sort languages. A `word` is a bare identifier and
 * may hold dots, so `metrics.val/loss` and `params.model.params.max_depth`
 * are one token; the parser splits entity from key at the first dot.
 */
export type TokenKind =
  | 'word'
  | 'number'
  /** A single- or double-quoted string; `quote` tells which. */
  | 'string'
  /** A backquoted name: only valid as a key (`metrics.\`my metric\``). */
  | 'name'
  | 'op'
  | '('
  | ')'
  | ','
  | '-'
  | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** The token's source text. */
  readonly text: string;
  /** Decoded value of strings, names (unescaped text) and numbers. */
  readonly value?: string | number;
  readonly quote?: '"' | "'" | '`';
  /** 0-based offsets into the query; `end` is exclusive. */
  readonly start: number;
  readonly end: number;
}

const WORD_START = /[\p{L}_]/u;
const WORD_CHAR = /[\p{L}\p{N}_\-/:.]/u;
const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const OPERATORS = ['==', '!=', '<>', '<=', '>=', '=', '<', '>'];
const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '`': '`', '0': '\0' };

/** 1-based column of a 0-based offset, for messages. */
export function column(offset: number): number {
  return offset + 1;
}

/** Splits a query into tokens; the last one is always `eof`. Throws `QueryError`. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: c, text: c, start, end: ++i });
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) {
      i += op.length;
      tokens.push({ kind: 'op', text: op, start, end: i });
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      const { value, end } = readQuoted(text, i);
      i = end;
      tokens.push({ kind: c === '`' ? 'name' : 'string', text: text.slice(start, end), value, quote: c, start, end });
      continue;
    }
    const signed = c === '-' && /[\d.]/.test(text[i + 1] ?? '');
    NUMBER.lastIndex = signed ? i + 1 : i;
    const num = NUMBER.exec(text);
    if (num) {
      i = NUMBER.lastIndex;
      // `1abc` or `2x` is a typo, not a number followed by a word.
      if (i < text.length && WORD_CHAR.test(text[i]!) && text[i] !== '-') {
        let j = i;
        while (j < text.length && WORD_CHAR.test(text[j]!)) j++;
        throw new QueryError(`invalid number "${text.slice(start, j)}" at column ${column(start)}`, text, start, j);
      }
      const src = text.slice(start, i);
      tokens.push({ kind: 'number', text: src, value: Number(src), start, end: i });
      continue;
    }
    if (c === '-') {
      tokens.push({ kind: '-', text: c, start, end: ++i });
      continue;
    }
    if (WORD_START.test(c)) {
      while (i < text.length && WORD_CHAR.test(text[i]!)) i++;
      tokens.push({ kind: 'word', text: text.slice(start, i), start, end: i });
      continue;
    }
    const hint = c === '!' ? ' (did you mean "!="?)' : c === '&' || c === '|' ? ' (use AND / OR)' : '';
    throw new QueryError(`unexpected character "${c}" at column ${column(start)}${hint}`, text, start, start + 1);
  }
  tokens.push({ kind: 'eof', text: '', start: text.length, end: text.length });
  return tokens;
}

/**
 * Reads a quoted string or name starting at `start`. Backslash escapes and the
 * SQL doubled quote (`'it''s'`) both work; an unknown escape such as `\%` is
 * kept with its backslash so LIKE patterns can escape wildcards.
 */
function readQuoted(text: string, start: number): { value: string; end: number } {
  const quote = text[start]!;
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === quote) {
      if (text[i + 1] === quote) {
        value += quote;
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    if (c === '\\' && i + 1 < text.length) {
      const e = text[i + 1]!;
      if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
        value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
      value += ESCAPES[e] ?? `\\${e}`;
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
  const what = quote === '`' ? 'quoted name' : 'string';
  throw new QueryError(`unterminated ${what} starting at column ${column(start)}`, text, start, text.length);
}
