import { extname } from 'node:path';
import { LineCounter, parseDocument, visit } from 'yaml';
import type { Document, YAMLError } from 'yaml';
import type { ConfigDiagnostic } from './configDiagnostic';
import { compareDiagnostics } from './configDiagnostic';
import { findJsonSyntaxError } from './jsonSyntax';
import type { Locate } from './sourceLocator';
import { createLocator } from './sourceLocator';

/**
 * A YAML (or JSON) file RunLens reads, before any schema: its value, or the
 * syntax errors that stopped it. Shared by training configs and runlens.yaml.
 */
export type ParsedYamlText =
  | { readonly ok: false; readonly diagnostics: ConfigDiagnostic[] }
  | {
    readonly ok: true;
    /** What the document holds (`null` for an empty one). */
    readonly value: unknown;
    /** Warnings of the YAML parser (errors stop it). */
    readonly diagnostics: ConfigDiagnostic[];
    readonly locate: Locate;
    readonly isJson: boolean;
  };

/** The source of the mapping key starting at `offset` (yaml marks only its first character). */
function keyAt(text: string, offset: number): string {
  return /^(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s:,{}[\]]+)/.exec(text.slice(offset))?.[0] ?? text.charAt(offset);
}

const INDENT_CODES = new Set(['BAD_INDENT', 'BLOCK_AS_IMPLICIT_KEY', 'MULTILINE_IMPLICIT_KEY']);

function yamlMessage(e: YAMLError, text: string): string {
  switch (e.code) {
    case 'TAB_AS_INDENT':
      return 'tabs cannot indent YAML; use spaces';
    case 'DUPLICATE_KEY':
      return `duplicate key ${JSON.stringify(keyAt(text, e.pos[0]).replace(/^["']|["']$/g, ''))}`;
    case 'MULTIPLE_DOCS':
      return 'a config file holds one YAML document; remove the "---" separator';
    default: {
      const m = e.message.replace(/^Missing closing (["'])quote/, 'missing closing $1 quote');
      const msg = m.charAt(0).toLowerCase() + m.slice(1);
      return INDENT_CODES.has(e.code) && !/indent/i.test(msg) ? `${msg} (check the indentation)` : msg;
    }
  }
}

/** 1-based line and column of a 0-based offset. */
function offsetToPosition(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** YAML reads an unquoted `{{python}}` as a mapping inside a mapping: say so where the parser stumbles. */
function unquotedTemplateHint(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = text.indexOf('\n', offset);
  const line = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd);
  return /(^|[:\-[,]\s*)\{\{/.test(line) ? '; a value that starts with "{{" must be quoted in YAML, e.g. command: "{{python}} train.py"' : '';
}

/**
 * Most alias resolutions a config may cost (yaml's own default): a config
 * has a few `<<: *defaults`, an alias bomb has billions.
 */
const MAX_ALIAS_COUNT = 100;

/** Source range of the first alias (`*name`) in the document, if any. */
function firstAlias(doc: Document.Parsed): [number, number] | undefined {
  let found: [number, number] | undefined;
  visit(doc, {
    Alias(_key, node) {
      const r = node.range;
      if (r) found = [r[0], r[1]];
      return visit.BREAK;
    },
  });
  return found;
}

/**
 * Parses the text of a RunLens YAML file: YAML for `.yaml` / `.yml` (and any
 * other name), strict JSON for `.json`; both go through the `yaml` parser
 * (JSON is YAML 1.2) so every diagnostic has a position. Pure: reads no files.
 */
export function parseYamlText(text: string, fileName: string): ParsedYamlText {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lineCounter = new LineCounter();
  const isJson = extname(fileName).toLowerCase() === '.json';
  let jsonValue: unknown;
  if (isJson) {
    try {
      jsonValue = JSON.parse(source);
    } catch (e) {
      const err = findJsonSyntaxError(source) ?? { message: (e as Error).message, start: 0, end: 1 };
      const a = offsetToPosition(source, err.start);
      const b = offsetToPosition(source, err.end);
      return { ok: false, diagnostics: [{ message: err.message, severity: 'error', line: a.line, column: a.column, endLine: b.line, endColumn: b.column, path: '' }] };
    }
  }

  // merge: YAML 1.1 `<<: *defaults` merge keys, which config authors expect.
  // logLevel error: every warning becomes a diagnostic; none may go to the process's stderr.
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true, logLevel: 'error' });
  const position = ([start, end]: readonly [number, number]) => {
    const a = lineCounter.linePos(start);
    const b = lineCounter.linePos(Math.min(source.length, Math.max(end, start + 1)));
    return { line: a.line, column: a.col, endLine: b.line, endColumn: b.col };
  };
  // JSON that JSON.parse accepted can still trip YAML rules (e.g. a key over
  // 1024 characters); only duplicate keys are worth reporting there.
  const syntax = doc.errors.filter((e) => !isJson || e.code === 'DUPLICATE_KEY');
  const diagnostics: ConfigDiagnostic[] = [
    ...syntax.map((e): ConfigDiagnostic => {
      const end = e.code === 'DUPLICATE_KEY' ? e.pos[0] + keyAt(source, e.pos[0]).length : e.pos[1];
      return { message: yamlMessage(e, source) + unquotedTemplateHint(source, e.pos[0]), severity: 'error', ...position([e.pos[0], end]), path: '' };
    }),
    ...doc.warnings.map((e): ConfigDiagnostic => ({ message: yamlMessage(e, source), severity: 'warning', ...position(e.pos), path: '' })),
  ];
  if (syntax.length > 0) return { ok: false, diagnostics: diagnostics.sort(compareDiagnostics) };

  let value: unknown;
  try {
    value = isJson ? jsonValue : doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (!(e instanceof ReferenceError)) throw e;
    // The yaml parser's guard against an alias bomb ("billion laughs"), or an alias of an anchor not defined yet.
    const alias = firstAlias(doc);
    const at = position(alias ?? [0, 1]);
    const message = /resource exhaustion/i.test(e.message)
      ? `too many alias expansions (more than ${MAX_ALIAS_COUNT}): aliases that repeat aliases grow exponentially (a "billion laughs"); write the values out`
      : e.message.charAt(0).toLowerCase() + e.message.slice(1);
    const located: ConfigDiagnostic = { message, severity: 'error', ...at, path: '' };
    return { ok: false, diagnostics: [...diagnostics, located].sort(compareDiagnostics) };
  }
  const locate = createLocator(doc, lineCounter, source);
  return { ok: true, value, diagnostics, locate, isJson };
}
