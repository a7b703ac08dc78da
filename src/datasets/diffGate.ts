import type { DatasetDiff } from '../core/datasetDiff/types';
import { DatasetError } from './datasetError';

/** Conditions `runlens diff --fail-on` can check (CI data gates). */
export const FAIL_ON_CONDITIONS = ['drift=large', 'drift=moderate', 'rows', 'schema'] as const;
export type FailOnCondition = (typeof FAIL_ON_CONDITIONS)[number];

/** Parses `--fail-on` values (each may be a comma-separated list). */
export function parseFailOn(values: readonly string[]): FailOnCondition[] {
  const out: FailOnCondition[] = [];
  for (const v of values.flatMap((x) => x.split(','))) {
    const c = v.trim();
    if (!c) continue;
    if (!(FAIL_ON_CONDITIONS as readonly string[]).includes(c)) {
      throw new DatasetError(`--fail-on "${c}" is not a condition (use ${FAIL_ON_CONDITIONS.join(', ')})`);
    }
    if (!out.includes(c as FailOnCondition)) out.push(c as FailOnCondition);
  }
  return out;
}

/**
 * Whether a diff meets a condition:
 * - `drift=large`: some column's drift verdict is large;
 * - `drift=moderate`: some column drifted moderately or more;
 * - `rows`: rows were added, removed or modified;
 * - `schema`: columns were added, removed, renamed or changed type.
 */
export function diffMeets(diff: DatasetDiff, condition: FailOnCondition): boolean {
  switch (condition) {
    case 'drift=large':
      return diff.drift.some((d) => d.verdict === 'large');
    case 'drift=moderate':
      return diff.drift.some((d) => d.verdict !== 'none');
    case 'rows':
      return diff.rows.added + diff.rows.removed + diff.rows.modified > 0;
    case 'schema': {
      const s = diff.schema;
      return s.added.length + s.removed.length + s.renamed.length + s.typeChanged.length > 0;
    }
  }
}
