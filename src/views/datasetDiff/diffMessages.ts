/** Turning what can go wrong into one line for the user. No vscode import: tested under plain Node. */
import { DataError } from '../../core/data/dataError';
import { UserError } from '../../core/util/errors';

/**
 * The message the panel shows for a failed diff. Errors meant for the user
 * (the engine's `DatasetDiffError` and the CSV reader's errors are
 * `DataError`s; bad refs, git and materialize errors are `UserError`s)
 * are shown as they are; a cancel says so; anything else is `unexpected`
 * (the panel logs its stack) but still shown as its message, never as a crash.
 */
export function describeDiffError(e: unknown): { readonly message: string; readonly unexpected: boolean } {
  if (e instanceof Error && e.name === 'AbortError') return { message: 'The diff was cancelled.', unexpected: false };
  if (e instanceof DataError || e instanceof UserError) return { message: e.message, unexpected: false };
  if (e instanceof Error) {
    const unexpected = e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError;
    return { message: firstLine(e.message) || e.name, unexpected };
  }
  return { message: String(e), unexpected: true };
}

/** A ref for titles and notifications: a full sha256 shortened to 12 hex digits. */
export function shortRef(ref: string): string {
  return ref.replace(/\b(sha256:)?([0-9a-f]{12})[0-9a-f]{20,}\b/gi, (_, p: string | undefined, hex: string) => `${p ?? ''}${hex}…`);
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}
