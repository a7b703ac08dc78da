/**
 * Text from data (a CSV header, a run name, a param value) must not drive
 * the terminal it is printed on: an OSC sequence retitles the window, CSI
 * clears the screen, CR and backspace overwrite what was printed, bidi
 * overrides reorder it. These functions write such characters as visible
 * escapes instead. The escapes are JSON's (`\u001b`, `\r`), so JSON text
 * passed through stays valid and parses to the same values.
 */

/** C0 but tab and newline, DEL, C1, and the bidi embeddings, overrides and isolates. */
const TERMINAL_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
/** The same plus tab and newline: a value on one line (a table cell) keeps its line. */
const VALUE_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

const SHORT: Readonly<Record<string, string>> = { '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r' };

function escapeControl(c: string): string {
  return SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * Text as the terminal may see it: control characters escaped, the CLI's
 * own newlines and tabs kept. Idempotent. Every byte `runlens` writes
 * through a command's `out`/`err` goes through this (commandLine.ts).
 */
export function terminalSafe(text: string): string {
  return text.replace(TERMINAL_CONTROLS, escapeControl);
}

/** One value for a table cell or a one-line message: newlines and tabs escaped too. */
export function printable(value: string): string {
  return value.replace(VALUE_CONTROLS, escapeControl);
}
