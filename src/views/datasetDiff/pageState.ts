/**
 * Reading back the page state (`getState()` in the page, the serializer's
 * `state` in the host): anything malformed becomes undefined or is dropped.
 * No vscode or node import: the page bundles it too.
 */
import type { DatasetDiffPageState, RowFilter } from '../../protocol/datasetDiff';

const KINDS = new Set(['added', 'removed', 'modified']);

/** The page state from `getState()`/the serializer, or undefined when it is not one of ours. */
export function sanitizeDiffState(state: unknown): DatasetDiffPageState | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const s = state as Record<string, unknown>;
  if (typeof s.refA !== 'string' || typeof s.refB !== 'string' || !s.refA || !s.refB) return undefined;
  const key = Array.isArray(s.key) ? s.key.filter((k): k is string => typeof k === 'string') : [];
  const f = (typeof s.filter === 'object' && s.filter !== null ? s.filter : {}) as Record<string, unknown>;
  const filter: RowFilter = {
    ...(typeof f.kind === 'string' && KINDS.has(f.kind) ? { kind: f.kind as RowFilter['kind'] } : {}),
    ...(typeof f.column === 'string' ? { column: f.column } : {}),
  };
  const collapsed = Array.isArray(s.collapsed) ? s.collapsed.filter((c): c is string => typeof c === 'string') : [];
  return { refA: s.refA, refB: s.refB, key, filter, collapsed };
}
