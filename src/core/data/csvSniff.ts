/** Delimiter detection from the first lines of a CSV file. */

const QUOTE = 34;
const LF = 10;
const CR = 13;
const CANDIDATES = [44, 59, 9]; // ',' ';' tab, in order of preference on ties
const SAMPLE_BYTES = 64 * 1024;
const SAMPLE_LINES = 20;

/**
 * Picks the delimiter among `,` `;` and tab: the candidate that occurs the
 * same number of times (more than zero) on every sampled line, preferring
 * the highest count; if none is consistent, the one most frequent on the
 * header line; `,` when no candidate occurs (a one-column file). Delimiters
 * inside quoted fields are not counted, and a quoted line break does not end
 * a line.
 */
export function sniffDelimiter(buf: Uint8Array, start: number, end: number): number {
  const limit = Math.min(end, start + SAMPLE_BYTES);
  const lines: number[][] = [];
  let counts = [0, 0, 0];
  let inQuotes = false;
  let lineHasContent = false;
  let complete = false;
  for (let i = start; i < limit && lines.length < SAMPLE_LINES; i++) {
    const c = buf[i];
    if (c === QUOTE) {
      inQuotes = !inQuotes; // `""` toggles twice, which is what an escaped quote needs
      lineHasContent = true;
    } else if (!inQuotes && (c === LF || c === CR)) {
      if (lineHasContent) lines.push(counts);
      counts = [0, 0, 0];
      lineHasContent = false;
    } else {
      lineHasContent = true;
      if (!inQuotes) {
        for (let k = 0; k < 3; k++) if (c === CANDIDATES[k]) counts[k]++;
      }
    }
    if (i === end - 1) complete = true;
  }
  // The last line counts only if the sample reached the end of the file.
  if (lineHasContent && complete) lines.push(counts);
  if (lines.length === 0) lines.push(counts);

  let best = -1;
  let bestCount = 0;
  for (let k = 0; k < 3; k++) {
    const first = lines[0][k];
    if (first > 0 && lines.every((l) => l[k] === first) && first > bestCount) {
      best = k;
      bestCount = first;
    }
  }
  if (best >= 0) return CANDIDATES[best];
  for (let k = 0; k < 3; k++) {
    if (lines[0][k] > bestCount) {
      best = k;
      bestCount = lines[0][k];
    }
  }
  return best >= 0 ? CANDIDATES[best] : CANDIDATES[0];
}
