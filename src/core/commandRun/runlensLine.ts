/**
 * The lines a script prints to log into its run without any helper:
 *
 * ```text
 * runlens: metric loss=0.31 accuracy=0.88 step=3
 * runlens: param lr=0.01 optimizer=adam name="two words"
 * runlens: tag stage=baseline
 * ```
 *
 * A line starts with `runlens:` at column 1, then `metric`, `param` or
 * `tag`, then one or more `key=value` separated by spaces. Keys are letters,
 * digits and `_ . - /`. A value with spaces is quoted: `"..."` (JSON escapes)
 * or `'...'` (literal). Metric values are numbers, or `nan`, `inf`, `-inf`
 * (as Python prints them); `step=N` (a whole number ≥ 0) sets the step of
 * every metric of the line, else each key continues at its latest step + 1.
 * Param values that look like numbers or `true`/`false` are logged as such
 * (so `1.0` and a config's `1` agree); quoted values are always text. Tag
 * values are text. Everything after the last carriage return counts, so
 * progress bars that redraw with `\r` do not hide a line.
 */

export type ParamLineValue = string | number | boolean;

export type RunlensDirective =
  | { readonly kind: 'metric'; readonly metrics: Readonly<Record<string, number>>; readonly step?: number }
  | { readonly kind: 'param'; readonly params: Readonly<Record<string, ParamLineValue>> }
  | { readonly kind: 'tag'; readonly tags: Readonly<Record<string, string>> }
  /** A line that starts like a directive but cannot be read; `reason` says why, naming the offending part. */
  | { readonly kind: 'invalid'; readonly reason: string };

const VERBS: Readonly<Record<string, 'metric' | 'param' | 'tag'>> = {
  metric: 'metric', metrics: 'metric', param: 'param', params: 'param', tag: 'tag', tags: 'tag',
};
const KEY = /^[\w./-]+$/;
const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

/** A metric value as scripts print it; undefined when it is not a number. */
export function parseMetricValue(text: string): number | undefined {
  if (NUMBER.test(text)) return Number(text);
  if (/^[-+]?nan$/i.test(text)) return NaN;
  const inf = /^([-+]?)inf(inity)?$/i.exec(text);
  if (inf) return inf[1] === '-' ? -Infinity : Infinity;
  return undefined;
}

interface Pair {
  readonly key: string;
  readonly value: string;
  readonly quoted: boolean;
}

/** Splits `k=v k2="a b"` into pairs; a string is the reason it cannot. */
function parsePairs(text: string): Pair[] | string {
  const pairs: Pair[] = [];
  let i = 0;
  for (;;) {
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (i >= text.length) return pairs;
    const eq = text.indexOf('=', i);
    const space = text.slice(i).search(/\s/);
    const wordEnd = space < 0 ? text.length : i + space;
    if (eq < 0 || eq > wordEnd) return `"${text.slice(i, wordEnd)}" is not key=value`;
    const key = text.slice(i, eq);
    if (!KEY.test(key)) return `"${key}" is not a valid key (letters, digits, _ . - /)`;
    i = eq + 1;
    const q = text[i];
    if (q === '"') {
      const m = /^"(?:[^"\\]|\\.)*"/.exec(text.slice(i));
      if (!m) return `the value of ${key} has no closing "`;
      let value: string;
      try {
        value = JSON.parse(m[0]) as string;
      } catch {
        return `the value of ${key} is not a valid quoted string`;
      }
      pairs.push({ key, value, quoted: true });
      i += m[0].length;
    } else if (q === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) return `the value of ${key} has no closing '`;
      pairs.push({ key, value: text.slice(i + 1, close), quoted: true });
      i = close + 1;
    } else {
      const rest = text.slice(i).search(/\s/);
      const end = rest < 0 ? text.length : i + rest;
      pairs.push({ key, value: text.slice(i, end), quoted: false });
      i = end;
    }
    if (i < text.length && !/\s/.test(text[i]!)) return `unexpected "${text[i]}" after the value of ${key}`;
  }
}

/**
 * Reads one output line. `undefined`: not a directive (ordinary output,
 * including other `runlens: …` messages such as the Python helper's
 * warnings). `invalid`: it starts like one (`runlens: <word> key=…`) but
 * cannot be used.
 */
export function parseRunlensLine(rawLine: string): RunlensDirective | undefined {
  const line = rawLine.slice(rawLine.lastIndexOf('\r') + 1).trimEnd();
  const m = /^runlens:[ \t]*(\S+)(?:[ \t]+(.*))?$/.exec(line);
  if (!m) return undefined;
  const word = m[1]!;
  const rest = m[2] ?? '';
  const verb = VERBS[word];
  if (!verb) {
    const looksLikeOne = /^\w+$/.test(word) && /^\S*=/.test(rest);
    return looksLikeOne ? { kind: 'invalid', reason: `unknown directive "${word}" (expected metric, param or tag)` } : undefined;
  }
  const pairs = parsePairs(rest);
  if (typeof pairs === 'string') return { kind: 'invalid', reason: pairs };
  if (pairs.length === 0) return { kind: 'invalid', reason: `"runlens: ${word}" needs at least one key=value` };
  const seen = new Set<string>();
  for (const p of pairs) {
    if (seen.has(p.key)) return { kind: 'invalid', reason: `${p.key} is given twice` };
    seen.add(p.key);
  }

  switch (verb) {
    case 'metric': {
      const metrics: Record<string, number> = {};
      let step: number | undefined;
      for (const p of pairs) {
        if (p.key === 'step') {
          if (!/^\d+$/.test(p.value) || !Number.isSafeInteger(Number(p.value))) return { kind: 'invalid', reason: `step=${p.value} is not a whole number ≥ 0` };
          step = Number(p.value);
          continue;
        }
        const value = p.quoted ? undefined : parseMetricValue(p.value);
        if (value === undefined) return { kind: 'invalid', reason: `${p.key}=${p.value === '' ? '(nothing)' : p.value} is not a number` };
        metrics[p.key] = value;
      }
      if (Object.keys(metrics).length === 0) return { kind: 'invalid', reason: 'a metric line needs a metric besides step' };
      return step === undefined ? { kind: 'metric', metrics } : { kind: 'metric', metrics, step };
    }
    case 'param': {
      const params: Record<string, ParamLineValue> = {};
      for (const p of pairs) params[p.key] = p.quoted ? p.value : typedParam(p.value);
      return { kind: 'param', params };
    }
    case 'tag':
      return { kind: 'tag', tags: Object.fromEntries(pairs.map((p) => [p.key, p.value])) };
  }
}

function typedParam(text: string): ParamLineValue {
  if (NUMBER.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  return text;
}
