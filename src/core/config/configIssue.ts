/**
 * A problem found in a config value, before it is given a position in a
 * document. `pointer` names the node; `target` says which part of it to mark.
 */
export interface ConfigIssue {
  readonly message: string;
  readonly severity: 'error' | 'warning';
  /** Keys (and array indices as strings) from the root to the node. */
  readonly pointer: readonly string[];
  /**
   * `key`: the node's key (an unknown key). `value`: the node's value (wrong
   * type, out of range). `parent`: the key of the object at `pointer`, for
   * something missing inside it.
   */
  readonly target: 'key' | 'value' | 'parent';
  /** Offsets inside a string value, e.g. a syntax error in `sweep.stop_when`. */
  readonly inner?: { readonly start: number; readonly end: number };
}

/** RFC 6901 JSON pointer of `pointer`, e.g. `/sweep/params/model.params.max_depth`. */
export function toJsonPointer(pointer: readonly string[]): string {
  return pointer.map((s) => `/${s.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** Splits an ajv `instancePath` (a JSON pointer) into keys. */
export function fromJsonPointer(path: string): string[] {
  if (path === '') return [];
  return path.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}
