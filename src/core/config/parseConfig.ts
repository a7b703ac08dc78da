import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { checkDataFiles } from './checkDataFiles';
import type { ConfigDiagnostic } from './configDiagnostic';
import type { ConfigIssue } from './configIssue';
import { compareDiagnostics, toDiagnostic } from './configDiagnostic';
import { schemaIssues } from './schemaIssues';
import { semanticIssues } from './semanticChecks';
import type { Locate } from './sourceLocator';
import { parseYamlText } from './yamlText';
import type { TrainConfig } from './trainConfig';

// The public face of config parsing: callers import these from here.
export { ConfigError } from './configDiagnostic';
export type { ConfigDiagnostic } from './configDiagnostic';
export { checkDataFiles } from './checkDataFiles';

export interface ParsedConfigText {
  /** Present when there is no error (warnings allowed). */
  readonly config?: TrainConfig;
  readonly diagnostics: ConfigDiagnostic[];
  /** Positions of config paths in this text, e.g. for `checkDataFiles`; absent after a syntax error. */
  readonly locate?: Locate;
}

export interface LoadedConfigFile extends ParsedConfigText {
  readonly text: string;
}

/**
 * Values that YAML made out of an unquoted `{{name}}` (a mapping whose only
 * key is the mapping `{ name }`): one clear error each, instead of a type
 * error about a mapping nobody meant to write.
 */
function unquotedTemplates(value: unknown, pointer: string[] = []): ConfigIssue[] {
  if (typeof value !== 'object' || value === null) return [];
  const entries = Object.entries(value);
  const only = entries.length === 1 && !Array.isArray(value) ? /^\{ ([^{}]+) \}$/.exec(entries[0]![0]) : null;
  if (only && entries[0]![1] === null) {
    const name = only[1]!;
    return [{ message: `{{${name}}} must be quoted in YAML ("{{${name}}} …"); unquoted, YAML reads it as a mapping`, severity: 'error', pointer, target: 'value' }];
  }
  return entries.flatMap(([k, v]) => unquotedTemplates(v, [...pointer, k]));
}

/**
 * Parses and validates the text of a training config (see `parseYamlText`
 * for the formats). Pure: reads no files (the editor passes unsaved text;
 * see `checkDataFiles`).
 */
export function parseConfigText(text: string, fileName: string): ParsedConfigText {
  const parsed = parseYamlText(text, fileName);
  if (!parsed.ok) return { diagnostics: parsed.diagnostics };
  const { value, locate, isJson } = parsed;
  const diagnostics = [...parsed.diagnostics];
  if (value === null || value === undefined) {
    diagnostics.push({ message: 'the config is empty: it needs "model" and "data", or "command"', severity: 'error', line: 1, column: 1, endLine: 1, endColumn: 1, path: '' });
    return { diagnostics, locate };
  }
  const templates = isJson ? [] : unquotedTemplates(value);
  const insideTemplate = (issue: ConfigIssue) => templates.some((t) => t.pointer.every((seg, i) => issue.pointer[i] === seg));
  for (const issue of [...templates, ...[...schemaIssues(value), ...semanticIssues(value)].filter((i) => !insideTemplate(i))]) {
    diagnostics.push(toDiagnostic(issue, locate));
  }
  diagnostics.sort(compareDiagnostics);
  const ok = !diagnostics.some((d) => d.severity === 'error');
  return { config: ok ? (value as TrainConfig) : undefined, diagnostics, locate };
}

/**
 * Validates a config object that has no text (e.g. after `--set`
 * overrides): the same checks as `parseConfigText`, without positions
 * (`line` 0) and without the file checks.
 */
export function validateConfig(value: unknown): ConfigDiagnostic[] {
  return [...schemaIssues(value), ...semanticIssues(value)].map((issue) => toDiagnostic(issue));
}

/**
 * Reads, parses and validates a config file, then checks that its data
 * files exist. A file that cannot be read gives one diagnostic (line 0).
 */
export function loadConfigFile(path: string): LoadedConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (e as Error).message;
    return { text: '', diagnostics: [{ message: `cannot read the config: ${reason}`, severity: 'error', line: 0, column: 0, endLine: 0, endColumn: 0, path: '' }] };
  }
  const parsed = parseConfigText(text, path);
  if (!parsed.config) return { ...parsed, text };
  const files = checkDataFiles(parsed.config, dirname(path), undefined, parsed.locate);
  const diagnostics = [...parsed.diagnostics, ...files].sort(compareDiagnostics);
  const ok = !files.some((d) => d.severity === 'error');
  return { config: ok ? parsed.config : undefined, diagnostics, locate: parsed.locate, text };
}
