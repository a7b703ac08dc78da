import type { ConfigIssue } from './configIssue';
import { toJsonPointer } from './configIssue';
import type { Locate } from './sourceLocator';
import { NO_POSITION } from './sourceLocator';

/**
 * One problem in a config file, ready for an editor squiggle or a CLI line.
 * Positions are 1-based; the end is exclusive (the column after the last
 * character). `line` 0 means "no position known" (a config validated as a
 * plain object, e.g. after `--set` overrides).
 */
export interface ConfigDiagnostic {
  readonly message: string;
  readonly severity: 'error' | 'warning';
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  /** JSON pointer of the node, e.g. `/model/params/max_depth` (`''` for the file). */
  readonly path: string;
}

/** Gives an issue its position; without a locator it has none (line 0). */
export function toDiagnostic(issue: ConfigIssue, locate?: Locate): ConfigDiagnostic {
  const range = locate ? locate(issue) : NO_POSITION;
  return { message: issue.message, severity: issue.severity, ...range, path: toJsonPointer(issue.pointer) };
}

/** Orders diagnostics by position, errors before warnings at the same place. */
export function compareDiagnostics(a: ConfigDiagnostic, b: ConfigDiagnostic): number {
  return a.line - b.line || a.column - b.column || (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1);
}

/** `file:line:column: message` (or `file: message` without a position). */
export function formatDiagnostic(file: string, d: ConfigDiagnostic): string {
  const where = d.line > 0 ? `${file}:${d.line}:${d.column}` : file;
  return `${where}: ${d.severity === 'warning' ? 'warning: ' : ''}${d.message}`;
}

/** A config that cannot be used, with every diagnostic that says why. */
export class ConfigError extends Error {
  readonly diagnostics: readonly ConfigDiagnostic[];

  /**
   * @param file the config file (or `--set` for a bad override)
   * @param summary a message for problems that have no diagnostic of their own
   */
  constructor(
    readonly file: string,
    diagnostics: readonly ConfigDiagnostic[],
    readonly summary?: string,
  ) {
    super('');
    this.name = 'ConfigError';
    this.diagnostics = diagnostics;
    this.message = this.format();
  }

  /** One `file:line:column: message` line per diagnostic, for the CLI. */
  format(): string {
    const lines = this.diagnostics.map((d) => formatDiagnostic(this.file, d));
    if (this.summary !== undefined) lines.unshift(`${this.file}: ${this.summary}`);
    return lines.length > 0 ? lines.join('\n') : `${this.file}: invalid config`;
  }
}
