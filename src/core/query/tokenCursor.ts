import { QueryError } from './ast';
import type { Entity, FieldRef } from './ast';
import { column, tokenize } from './tokenize';
import type { Token } from './tokenize';

/** Entity prefixes as users write them (MLflow's singular forms included). */
export const ENTITY_ALIASES: Readonly<Record<string, Entity>> = {
  metrics: 'metrics',
  metric: 'metrics',
  params: 'params',
  param: 'params',
  tags: 'tags',
  tag: 'tags',
  attributes: 'attributes',
  attribute: 'attributes',
  attr: 'attributes',
  run: 'attributes',
  datasets: 'datasets',
  dataset: 'datasets',
};

/**
 * Run attributes that may be written without the `attributes.` prefix, as
 * MLflow allows (`status = 'FAILED'`, `run_name LIKE 'x%'`). Compared
 * case-insensitively; the key keeps the spelling of the query. Mirrors the
 * attribute names of src/store/queryFields.ts (core cannot import the store).
 */
export const BARE_ATTRIBUTES: ReadonlySet<string> = new Set([
  'id', 'run_id', 'name', 'run_name', 'status', 'experiment', 'experiment_name', 'experiment_id',
  'created', 'created_at', 'start_time', 'started_at', 'end_time', 'ended_at', 'heartbeat_at', 'duration',
  'starred', 'git_dirty', 'parent_id', 'config_path', 'git_commit', 'note', 'error', 'pid', 'host', 'runlens_version',
]);

const FIELD_HINT = 'a field (metrics.<key>, params.<key>, tags.<key>, attributes.<name>, datasets.<field>)';

/** Walks a token list; the shared machinery of `parseFilter` and `parseSort`. */
export class TokenCursor {
  private readonly tokens: Token[];
  private index = 0;

  constructor(readonly text: string) {
    this.tokens = tokenize(text);
  }

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)]!;
  }

  next(): Token {
    const t = this.peek();
    if (this.index < this.tokens.length - 1) this.index++;
    return t;
  }

  atEnd(): boolean {
    return this.peek().kind === 'eof';
  }

  /** Whether the next token is the (case-insensitive) keyword `word`. */
  isKeyword(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'word' && t.text.toLowerCase() === word;
  }

  /** An error naming `token` and what the parser wanted instead. */
  unexpected(token: Token, expected: string): QueryError {
    const what = token.kind === 'eof' ? 'end of query' : `"${token.text}"`;
    return new QueryError(`unexpected ${what} at column ${column(token.start)}: expected ${expected}`, this.text, token.start, token.end);
  }

  /** `missing ")"` pointing at the `(` that is left open. */
  missingParen(open: Token): QueryError {
    return new QueryError(`missing ")" to close "(" at column ${column(open.start)}`, this.text, open.start, open.end);
  }

  /**
   * Reads `entity.key`, `entity.\`quoted key\``, `entity."quoted key"` or a
   * bare attribute name. The key is everything after the first dot, so keys
   * may hold dots themselves.
   */
  field(): FieldRef {
    const t = this.next();
    if (t.kind !== 'word') throw this.unexpected(t, FIELD_HINT);
    const dot = t.text.indexOf('.');
    if (dot < 0) {
      if (BARE_ATTRIBUTES.has(t.text.toLowerCase())) return { entity: 'attributes', key: t.text, start: t.start, end: t.end };
      if (ENTITY_ALIASES[t.text.toLowerCase()]) {
        throw new QueryError(`missing key after "${t.text}" at column ${column(t.end)}: write ${t.text}.<key>`, this.text, t.start, t.end);
      }
      if (KEYWORDS.has(t.text.toLowerCase())) throw this.unexpected(t, FIELD_HINT);
      throw new QueryError(
        `unknown field "${t.text}" at column ${column(t.start)}: prefix it with metrics., params., tags. or attributes. (e.g. metrics.${t.text})`,
        this.text, t.start, t.end,
      );
    }
    const prefix = t.text.slice(0, dot);
    const entity = ENTITY_ALIASES[prefix.toLowerCase()];
    if (!entity) {
      throw new QueryError(
        `unknown entity "${prefix}" (expected metrics, params, tags, attributes or datasets)`,
        this.text, t.start, t.start + prefix.length,
      );
    }
    let key = t.text.slice(dot + 1);
    let end = t.end;
    if (key === '' || key.endsWith('.')) {
      // `metrics.` glued to a quoted name: the name is (the rest of) the key.
      const q = this.peek();
      if ((q.kind === 'name' || (q.kind === 'string' && q.quote === '"')) && q.start === t.end) {
        this.next();
        key += String(q.value);
        end = q.end;
      } else if (key === '') {
        throw new QueryError(`missing key after "${t.text}" at column ${column(t.end)}`, this.text, t.start, t.end);
      }
    }
    if (key === '') throw new QueryError(`empty key at column ${column(t.start)}`, this.text, t.start, end);
    return { entity, key, start: t.start, end };
  }
}

/** Words that cannot be bare field names. */
const KEYWORDS: ReadonlySet<string> = new Set([
  'and', 'or', 'not', 'in', 'is', 'null', 'like', 'ilike', 'true', 'false', 'asc', 'desc', 'nan', 'infinity',
]);
