/**
 * SQLite's text semantics in JavaScript, so a filter evaluated on rows from a
 * server means what the store's SQL means (src/store/filterToSql.ts):
 * BINARY collation orders by UTF-8 bytes, which is code point order (not
 * JavaScript's UTF-16 unit order, which differs above U+FFFF); LIKE compiles
 * to GLOB (case-sensitive); ILIKE is SQLite's LIKE, which folds ASCII letters
 * only and has no escape character.
 */

/** Orders two strings as SQLite's BINARY collation does: by code point. */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length - b.length < 0 ? -1 : a.length === b.length ? 0 : 1;
}

/** SQLite's `lower()` without ICU: only A–Z change. */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

const cache = new Map<string, RegExp>();

/**
 * Whether `value` matches the LIKE pattern: `%` any run of characters, `_`
 * exactly one (a code point), everything else literal; `ignoreCase` folds
 * ASCII letters only, as SQLite's LIKE does.
 */
export function likeMatches(value: string, pattern: string, ignoreCase: boolean): boolean {
  const p = ignoreCase ? asciiLower(pattern) : pattern;
  const key = `${ignoreCase ? 'i' : 's'}${p}`;
  let re = cache.get(key);
  if (!re) {
    let src = '^';
    for (const c of p) {
      if (c === '%') src += '[^]*';
      else if (c === '_') src += '[^]';
      else src += c.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
    }
    re = new RegExp(`${src}$`, 'u');
    if (cache.size > 500) cache.clear();
    cache.set(key, re);
  }
  return re.test(ignoreCase ? asciiLower(value) : value);
}
