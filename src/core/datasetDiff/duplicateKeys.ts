import type { DuplicateKey } from './partitionCompare';

/** Duplicate keys listed in the message, so it stays readable (as `keyIndex.ts`). */
const MAX_LISTED_DUPLICATES = 10;

/**
 * The message for duplicate keys, in the in-memory engine's words:
 * `a.csv: 2 duplicate key value(s): id=1 (line 2, line 4); id=2 (line 3, line 6)`.
 * Groups are listed in file order of their second occurrence (where the
 * duplicate is first noticed reading the file top-down).
 */
export function duplicateKeyMessage(label: string, key: readonly string[], groups: readonly DuplicateKey[], count: number): { message: string; line: number | undefined } {
  const sorted = [...groups].sort((x, y) => x.lines[1] - y.lines[1]);
  const listed = sorted.slice(0, MAX_LISTED_DUPLICATES).map((g) => {
    const values = g.key.map((v, i) => `${key[i]}=${JSON.stringify(v)}`).join(', ');
    return `${values} (${g.lines.map((l) => `line ${l}`).join(', ')})`;
  });
  const more = count > MAX_LISTED_DUPLICATES ? `; and ${count - MAX_LISTED_DUPLICATES} more` : '';
  return { message: `${label}: ${count} duplicate key value(s): ${listed.join('; ')}${more}`, line: sorted[0]?.lines[1] };
}
