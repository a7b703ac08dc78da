import { parseDocument } from 'yaml';
import { ConfigError } from './configDiagnostic';
import { DottedPathError, setDotted, splitDottedPath } from './resolveDotted';
import { acceptedTypes, jsonType, schemaAt } from './schemaAt';
import type { TrainConfig } from './trainConfig';

/** A malformed `--set key=value`; `format()` gives `--set: <message>`. */
export class OverrideError extends ConfigError {
  constructor(message: string) {
    super('--set', [{ message, severity: 'error', line: 0, column: 0, endLine: 0, endColumn: 0, path: '' }]);
    this.name = 'OverrideError';
  }
}

interface ParsedOverride {
  /** Keys from the root, e.g. `['model', 'params', 'max_depth']`. */
  readonly path: readonly string[];
  /** The value text as given, used where the setting only takes strings. */
  readonly raw: string;
  /** The value parsed as YAML, when it parses. */
  readonly value?: unknown;
  readonly yamlError?: string;
}

/**
 * Splits one `key=value`. The key is a dotted path (quote a key holding dots:
 * `sweep.params."model.params.max_depth"=[2,4]`); the value is YAML, so `6`,
 * `1e-3`, `true`, `null`, `[2, 3]` and `{a: 1}` have their types and other
 * text is a string. `key=` gives the empty string.
 */
function parseOverride(text: string): ParsedOverride {
  const eq = text.indexOf('=');
  if (eq < 0) throw new OverrideError(`"${text}" is not key=value (e.g. model.params.max_depth=6)`);
  const key = text.slice(0, eq).trim();
  if (key === '') throw new OverrideError(`"${text}" has no key before "=" (e.g. model.params.max_depth=6)`);
  let path: string[];
  try {
    path = splitDottedPath(key);
  } catch (e) {
    if (e instanceof DottedPathError) throw new OverrideError(`"${text}": ${e.message}`);
    throw e;
  }
  const raw = text.slice(eq + 1).trim();
  if (raw === '') return { path, raw, value: '' };
  const doc = parseDocument(raw, { prettyErrors: false });
  if (doc.errors.length > 0) return { path, raw, yamlError: doc.errors[0]!.message };
  return { path, raw, value: doc.toJS() };
}

/**
 * Applies `--set` overrides in order and returns a new config (the input is
 * not changed). Missing intermediate mappings are created. Where the schema
 * only takes a string (`name=123`, `tags.version=2`), the value text is used
 * as is. Throws `OverrideError`; does not validate the result — call
 * `validateConfig` on it.
 */
export function applyOverrides(config: TrainConfig, overrides: readonly string[]): TrainConfig {
  let out: TrainConfig = config;
  for (const text of overrides) {
    const o = parseOverride(text);
    const lookup = schemaAt(out, o.path);
    const types = lookup.kind === 'known' ? acceptedTypes(lookup.schemas) : new Set<string>();
    let value = o.value;
    const fits = o.yamlError === undefined && (types.size === 0 || types.has(jsonType(value)));
    if (!fits && types.has('string')) value = o.raw;
    else if (o.yamlError !== undefined) {
      throw new OverrideError(`"${text}": the value is not valid YAML (${o.yamlError.replace(/\.$/, '')}); quote it if it is text`);
    }
    try {
      out = setDotted(out, o.path, value);
    } catch (e) {
      if (e instanceof DottedPathError) throw new OverrideError(`"${text}": ${e.message}`);
      throw e;
    }
  }
  return out;
}
