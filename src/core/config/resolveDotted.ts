/**
 * Dotted paths into a config (`model.params.max_depth`, `data.split.test`),
 * used by `--set` overrides and sweeps.
 *
 * A key may itself hold dots, as the keys of `sweep.params` do. Such a key is
 * matched when it already exists (the longest existing key wins), or can be
 * quoted: `sweep.params."model.params.max_depth"`.
 */

/** A malformed path, or a path that runs into a value that is not a mapping. */
export class DottedPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DottedPathError';
  }
}

/** Keys that would reach Object.prototype; a `--set` must never write there. */
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

/** Splits `a.b."c.d"` into `['a', 'b', 'c.d']`. Throws `DottedPathError`. */
export function splitDottedPath(path: string): string[] {
  const segments: string[] = [];
  let i = 0;
  if (path.trim() === '') throw new DottedPathError('empty path');
  for (;;) {
    let seg = '';
    const q = path[i];
    if (q === '"' || q === "'") {
      const close = path.indexOf(q, i + 1);
      if (close < 0) throw new DottedPathError(`unterminated quote in path "${path}"`);
      seg = path.slice(i + 1, close);
      i = close + 1;
      if (i < path.length && path[i] !== '.') throw new DottedPathError(`expected "." after the quoted key in "${path}"`);
    } else {
      const dot = path.indexOf('.', i);
      const end = dot < 0 ? path.length : dot;
      seg = path.slice(i, end).trim();
      i = end;
      if (seg === '') throw new DottedPathError(`empty key in path "${path}"`);
    }
    if (FORBIDDEN.has(seg)) throw new DottedPathError(`"${seg}" cannot be used as a key`);
    segments.push(seg);
    if (i >= path.length) return segments;
    i++; // the dot
    if (i >= path.length) throw new DottedPathError(`path "${path}" ends with "."`);
  }
}

function toSegments(path: string | readonly string[]): readonly string[] {
  return typeof path === 'string' ? splitDottedPath(path) : path;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** How many segments from `i` name one existing key of `obj` (longest match, at least 1). */
function keyLength(obj: Record<string, unknown>, segments: readonly string[], i: number): number {
  for (let n = segments.length - i; n > 1; n--) {
    if (Object.hasOwn(obj, segments.slice(i, i + n).join('.'))) return n;
  }
  return 1;
}

/** The value at `path`, or `undefined` when any part of it is absent. */
export function getDotted(obj: unknown, path: string | readonly string[]): unknown {
  const segments = toSegments(path);
  let cur = obj;
  for (let i = 0; i < segments.length; ) {
    if (Array.isArray(cur) && /^\d+$/.test(segments[i]!)) {
      cur = cur[Number(segments[i])];
      i++;
    } else if (isRecord(cur)) {
      const n = keyLength(cur, segments, i);
      const key = segments.slice(i, i + n).join('.');
      cur = Object.hasOwn(cur, key) ? cur[key] : undefined;
      i += n;
    } else {
      return undefined;
    }
  }
  return cur;
}

/**
 * A copy of `obj` with `value` at `path`; `obj` itself is not changed (only
 * the objects along the path are copied). Missing intermediate mappings are
 * created. Throws `DottedPathError` when the path runs through a scalar.
 */
export function setDotted<T>(obj: T, path: string | readonly string[], value: unknown): T {
  const segments = toSegments(path);
  if (segments.length === 0) throw new DottedPathError('empty path');
  const set = (cur: unknown, i: number): unknown => {
    if (Array.isArray(cur) && /^\d+$/.test(segments[i]!)) {
      const index = Number(segments[i]);
      if (index > cur.length) throw new DottedPathError(`index ${index} is past the end of ${describeAt(segments, i)} (length ${cur.length})`);
      const copy = [...cur];
      copy[index] = i + 1 === segments.length ? value : set(cur[index], i + 1);
      return copy;
    }
    if (cur !== undefined && !isRecord(cur)) {
      const what = Array.isArray(cur) ? 'a list' : cur === null ? 'null' : `a ${typeof cur}`;
      throw new DottedPathError(`${describeAt(segments, i)} is ${what}, not a mapping`);
    }
    const record = cur ?? {};
    const n = keyLength(record, segments, i);
    const key = segments.slice(i, i + n).join('.');
    const next = i + n === segments.length ? value : set(record[key], i + n);
    return { ...record, [key]: next };
  };
  return set(obj, 0) as T;
}

function describeAt(segments: readonly string[], i: number): string {
  return i === 0 ? 'the config' : `"${segments.slice(0, i).join('.')}"`;
}
