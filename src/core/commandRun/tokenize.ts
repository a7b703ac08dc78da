/**
 * Splits a `command:` string into an argument list the way a POSIX shell
 * splits words, without being a shell: no variables, globs, pipes,
 * redirections or command substitution, ever. The program is then started
 * with that list (`spawn(argv[0], argv.slice(1))`).
 *
 * Hand-written rather than taken from a package: the npm shell-word splitters
 * either expand `$VAR` (shell-quote) or report no positions, and the editor
 * needs the offset of an unclosed quote to underline it.
 *
 * Rules (those of `sh` for quoting):
 * - unquoted whitespace separates words;
 * - `'...'` keeps everything literally;
 * - `"..."` keeps everything except `\"`, `\\`, `\$` and `` \` ``, which drop the backslash;
 * - outside quotes a backslash keeps the next character literally;
 * - quoted and unquoted parts next to each other form one word (`--name="a b"` → `--name=a b`);
 * - `''` or `""` alone is an empty argument.
 */
import { shellQuote } from '../util/shellQuote';

/** One argument with where it came from in the command text (offsets, end exclusive). */
export interface CommandToken {
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

/** Something in the text that a shell would treat specially but RunLens passes on as is. */
export interface TokenizeWarning {
  readonly message: string;
  readonly start: number;
  readonly end: number;
}

/** A command string that cannot be split (an unclosed quote, a trailing backslash). */
export class CommandSyntaxError extends Error {
  constructor(message: string, readonly start: number, readonly end: number) {
    super(message);
    this.name = 'CommandSyntaxError';
  }
}

const OPERATORS = /^(\|\||&&|[|;&<>]|>>|2>&1|2>|&>)$/;

/** Splits `text` into argument words; throws `CommandSyntaxError`. */
export function tokenizeCommand(text: string): { tokens: CommandToken[]; warnings: TokenizeWarning[] } {
  const tokens: CommandToken[] = [];
  const warnings: TokenizeWarning[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    const start = i;
    let value = '';
    let quoted = false;
    while (i < text.length && !/\s/.test(text[i]!)) {
      const c = text[i]!;
      if (c === "'") {
        const close = text.indexOf("'", i + 1);
        if (close < 0) throw new CommandSyntaxError('unclosed single quote in command', i, text.length);
        value += text.slice(i + 1, close);
        quoted = true;
        i = close + 1;
      } else if (c === '"') {
        const open = i;
        i++;
        for (;;) {
          if (i >= text.length) throw new CommandSyntaxError('unclosed double quote in command', open, text.length);
          const d = text[i]!;
          if (d === '"') break;
          if (d === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1]!)) {
            value += text[i + 1];
            i += 2;
          } else {
            if (d === '$') warnDollar(text, i, warnings);
            value += d;
            i++;
          }
        }
        quoted = true;
        i++;
      } else if (c === '\\') {
        if (i + 1 >= text.length) throw new CommandSyntaxError('the command ends with a backslash', i, i + 1);
        value += text[i + 1];
        quoted = true;
        i += 2;
      } else {
        if (c === '$') warnDollar(text, i, warnings);
        value += c;
        i++;
      }
    }
    if (!quoted && OPERATORS.test(value)) {
      warnings.push({
        message: `"${value}" is passed to the program as an argument: RunLens runs no shell; to pipe or redirect, run a script (or write the command as [sh, -c, "…"])`,
        start,
        end: i,
      });
    }
    tokens.push({ value, start, end: i });
  }
  return { tokens, warnings };
}

/** `$HOME`, `${HOME}` or `$(cmd)`: a shell would expand it, RunLens passes it on literally. */
function warnDollar(text: string, i: number, warnings: TokenizeWarning[]): void {
  if (!/[A-Za-z_{(]/.test(text[i + 1] ?? '') || text.startsWith('{{', i + 1)) return;
  const what = text[i + 1] === '(' ? 'command substitution is not run' : 'environment variables are not expanded';
  warnings.push({ message: `${what} in a command (RunLens runs no shell); use a {{…}} template or the env setting`, start: i, end: i + 1 });
}

/**
 * The argument list as one line a user can paste into a POSIX shell:
 * words that need it are single-quoted. For display and logs only; RunLens
 * never runs this text.
 */
export function formatCommandLine(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}
