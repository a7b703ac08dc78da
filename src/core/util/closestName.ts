/**
 * "Did you mean …?" for a name the user typed: the closest of the names that
 * exist, or undefined when none is close enough to be worth suggesting.
 * A name the typed one begins (`test_acc` → `test_accuracy`) or a name a few
 * edits away (`--sett` → `--set`, `max_dpeth` → `max_depth`) qualifies.
 */
export function closestName(typed: string, names: Iterable<string>): string | undefined {
  const word = typed.toLowerCase();
  let best: { name: string; score: number } | undefined;
  for (const name of new Set(names)) {
    const candidate = name.toLowerCase();
    if (candidate === word) return name;
    const distance = editDistance(word, candidate);
    const prefix = word.length >= 3 && (candidate.startsWith(word) || word.startsWith(candidate));
    const close = distance <= Math.max(1, Math.floor(Math.max(word.length, candidate.length) / 3));
    if (!prefix && !close) continue;
    // Prefer a few edits over a long completion; ties go to the earlier name.
    const score = prefix ? Math.min(distance, 2.5) : distance;
    if (!best || score < best.score) best = { name, score };
  }
  return best?.name;
}

/** Edits (insert, delete, substitute, swap two neighbours) turning `a` into `b`. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = rows[i]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, rows[i - 2]![j - 2]! + 1);
    }
  }
  return rows[a.length]![b.length]!;
}
