/**
 * One word as a POSIX shell (bash, sh) reads it back unchanged: left bare when
 * it holds only characters no shell treats specially, otherwise single-quoted,
 * each `'` written as `'\''`. Inside single quotes nothing is special (`$`,
 * backquotes, `\`, newlines), so no value can run as code.
 */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
