/**
 * A parser for the Prometheus text exposition format (version 0.0.4), the
 * format of the model server's `/metrics`.
 *
 * Written by hand rather than taken from a package: no parser is installed,
 * the well-known ones are either full client libraries (prom-client only
 * writes the format) or unmaintained, and the grammar is small: comment
 * lines (`# HELP`, `# TYPE`), then `name{label="value",...} number
 * [timestamp]` per line, with `\\`, `\"` and `\n` escapes in label values.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  readonly timestamp?: number;
}

export interface ParsedMetrics {
  readonly samples: readonly Sample[];
  /** `# TYPE` per metric family name. */
  readonly types: ReadonlyMap<string, MetricType>;
  readonly help: ReadonlyMap<string, string>;
}

/** A line the parser cannot read: names its 1-based line number and the text. */
export class PrometheusParseError extends Error {
  constructor(readonly line: number, message: string) {
    super(`metrics line ${line}: ${message}`);
    this.name = 'PrometheusParseError';
  }
}

const TYPES: readonly string[] = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];
const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

export function parsePrometheusText(text: string): ParsedMetrics {
  const samples: Sample[] = [];
  const types = new Map<string, MetricType>();
  const help = new Map<string, string>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '').trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = /^#\s*(HELP|TYPE)\s+([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(.*)$/.exec(line);
      if (!m) continue; // any other comment
      if (m[1] === 'TYPE') {
        if (!TYPES.includes(m[3])) throw new PrometheusParseError(i + 1, `unknown metric type "${m[3]}" for ${m[2]}`);
        types.set(m[2], m[3] as MetricType);
      } else {
        help.set(m[2], m[3].replace(/\\n/g, '\n').replace(/\\\\/g, '\\'));
      }
      continue;
    }
    samples.push(parseSample(line, i + 1));
  }
  return { samples, types, help };
}

function parseSample(line: string, lineNo: number): Sample {
  const name = NAME.exec(line)?.[0];
  if (!name) throw new PrometheusParseError(lineNo, `expected a metric name, got "${line}"`);
  let pos = name.length;
  const labels: Record<string, string> = {};
  if (line[pos] === '{') {
    pos++;
    for (;;) {
      while (line[pos] === ' ' || line[pos] === ',') pos++;
      if (line[pos] === '}') {
        pos++;
        break;
      }
      const label = LABEL_NAME.exec(line.slice(pos))?.[0];
      if (!label) throw new PrometheusParseError(lineNo, `expected a label name at column ${pos + 1} of "${line}"`);
      pos += label.length;
      while (line[pos] === ' ') pos++;
      if (line[pos] !== '=' || line[pos + 1] !== '"') throw new PrometheusParseError(lineNo, `expected ="..." after label ${label} in "${line}"`);
      pos += 2;
      let value = '';
      for (;;) {
        const c = line[pos];
        if (c === undefined) throw new PrometheusParseError(lineNo, `unterminated value of label ${label} in "${line}"`);
        pos++;
        if (c === '"') break;
        if (c === '\\') {
          const e = line[pos++];
          value += e === 'n' ? '\n' : e;
        } else {
          value += c;
        }
      }
      labels[label] = value;
    }
  }
  const rest = line.slice(pos).trim().split(/\s+/);
  if (rest.length < 1 || rest.length > 2 || rest[0] === '') throw new PrometheusParseError(lineNo, `expected a value after ${name} in "${line}"`);
  const value = parseValue(rest[0]);
  if (value === undefined) throw new PrometheusParseError(lineNo, `"${rest[0]}" is not a number in "${line}"`);
  if (rest.length === 2) {
    const ts = Number(rest[1]);
    if (!Number.isInteger(ts)) throw new PrometheusParseError(lineNo, `"${rest[1]}" is not a timestamp in "${line}"`);
    return { name, labels, value, timestamp: ts };
  }
  return { name, labels, value };
}

/** Go's ParseFloat spellings the format allows, besides plain numbers. */
function parseValue(text: string): number | undefined {
  switch (text.toLowerCase()) {
    case 'nan': return NaN;
    case '+inf': case 'inf': return Infinity;
    case '-inf': return -Infinity;
  }
  const v = Number(text);
  return Number.isNaN(v) ? undefined : v;
}

/** The samples named `name` whose labels include every pair of `match`. */
export function select(metrics: ParsedMetrics, name: string, match: Readonly<Record<string, string>> = {}): Sample[] {
  return metrics.samples.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v));
}
