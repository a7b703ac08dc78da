/**
 * Finds the first JSON syntax error with its offset.
 *
 * Hand-written because neither library at hand does this job: `JSON.parse`
 * gives a position for some errors only ("Unexpected token '}', ... is not
 * valid JSON" has none), and `yaml` accepts what JSON forbids (trailing
 * commas, comments, unquoted strings). Only called after `JSON.parse` failed.
 */
export interface JsonSyntaxError {
  readonly message: string;
  /** 0-based offsets of the offending text; `end` is exclusive. */
  readonly start: number;
  readonly end: number;
}

class Fail extends Error {
  constructor(readonly detail: JsonSyntaxError) {
    super(detail.message);
  }
}

/** The first syntax error of `text` as JSON, or `undefined` when it is valid. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const fail = (message: string, start = i, end = start + 1): never => {
    throw new Fail({ message, start, end: Math.min(Math.max(end, start), text.length) });
  };
  const quoted = () => /^"(?:[^"\\\n]|\\.)*"?/.exec(text.slice(i))![0];
  const found = () => {
    if (i >= text.length) return 'end of file';
    if (text[i] === '"') return `string ${quoted()}`;
    const word = /^[^\s,:[\]{}"]+/.exec(text.slice(i))?.[0];
    return JSON.stringify(word ?? text[i]);
  };
  const tokenEnd = () => i + Math.max(1, (text[i] === '"' ? quoted() : /^[^\s,:[\]{}"]*/.exec(text.slice(i))![0]).length);
  let lastComma = -1;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
    if (text.startsWith('//', i) || text.startsWith('/*', i)) fail('comments are not allowed in JSON', i, i + 2);
  };
  const string = () => {
    const start = i++;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('invalid \\u escape: expected 4 hex digits', i, i + 6);
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          i += 2;
        } else {
          fail(`invalid escape "\\${e ?? ''}" in string`, i, i + 2);
        }
        continue;
      }
      if (c === '\n' || c.charCodeAt(0) < 0x20) fail('unterminated string (strings cannot span lines)', start, i);
      i++;
    }
    fail('unterminated string', start, text.length);
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)(?![^\s,\]}])/.exec(text.slice(i));
    if (m) {
      i += m[0].length;
      return;
    }
    if (c === "'") fail('strings in JSON use double quotes', i, i + 1);
    fail(`unexpected ${found()}: expected a value`, i, tokenEnd());
  };
  const object = () => {
    i++;
    ws();
    if (text[i] === '}') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (text[i] !== '"') {
        if (text[i] === '}' && lastComma >= 0) fail('trailing comma is not allowed in JSON', lastComma);
        if (text[i] === "'") fail('JSON needs double quotes around property names', i, tokenEnd());
        fail(`unexpected ${found()}: expected a property name in double quotes`, i, tokenEnd());
      }
      string();
      ws();
      if (text[i] !== ':') fail(`unexpected ${found()}: expected ":" after the property name`, i, tokenEnd());
      i++;
      value();
      ws();
      if (text[i] === ',') {
        lastComma = i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return;
      }
      fail(`unexpected ${found()}: expected "," or "}"`, i, tokenEnd());
    }
  };
  const array = () => {
    i++;
    ws();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (text[i] === ']') fail('trailing comma is not allowed in JSON', lastComma);
      value();
      ws();
      if (text[i] === ',') {
        lastComma = i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return;
      }
      fail(`unexpected ${found()}: expected "," or "]"`, i, tokenEnd());
    }
  };
  try {
    value();
    ws();
    if (i < text.length) fail(`unexpected ${found()} after the end of the JSON value`, i, tokenEnd());
    return undefined;
  } catch (e) {
    if (e instanceof Fail) return e.detail;
    throw e;
  }
}
