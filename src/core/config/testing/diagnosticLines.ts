import { parseConfigText } from '../parseConfig';
import type { ConfigDiagnostic } from '../parseConfig';

/** `line:column-endLine:endColumn message` of every diagnostic of a config text, for exact assertions. */
export function where(text: string, file = 'x.train.yaml'): string[] {
  return parseConfigText(text, file).diagnostics.map(show);
}

/** One diagnostic as `[W ]line:column-endLine:endColumn message`. */
export function show(d: ConfigDiagnostic): string {
  return `${d.severity === 'warning' ? 'W ' : ''}${d.line}:${d.column}-${d.endLine}:${d.endColumn} ${d.message}`;
}
