import type { ConfigIssue } from './configIssue';

/** A plain object (not null, not an array): what a config mapping parses to. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An error at `pointer`; by default the node's value is marked. */
export function errorIssue(message: string, pointer: readonly string[], target: ConfigIssue['target'] = 'value'): ConfigIssue {
  return { message, severity: 'error', pointer, target };
}

/** A warning at `pointer`; by default the node's value is marked. */
export function warningIssue(message: string, pointer: readonly string[], target: ConfigIssue['target'] = 'value'): ConfigIssue {
  return { message, severity: 'warning', pointer, target };
}
