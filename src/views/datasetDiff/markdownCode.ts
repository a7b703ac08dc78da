/**
 * A Markdown code span around data (a column name, a key). Inside a code
 * span Markdown shows every character as it is: entities (`&lt;`) and
 * backslash escapes would appear literally, so none are used. A backtick
 * in the text is handled by a longer fence (CommonMark 6.1), and `<`, `&`
 * stay literal (renderers escape a code span's content themselves).
 */
export function markdownCode(text: string, options: { readonly inTable?: boolean } = {}): string {
  if (text === '') return '` `';
  // A line break would end a list item or table row; in a code span it reads as a space anyway.
  let body = text.replace(/\r\n|[\r\n]/g, ' ');
  // GFM splits table cells on `|` before inline parsing, even inside a code span; `\|` is its escape there.
  if (options.inTable) body = body.replace(/\|/g, '\\|');
  const longestRun = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  // One space each side is stripped by the renderer: needed when the text starts or ends with a backtick,
  // and when it starts and ends with a space (which would otherwise be stripped).
  const pad = /^`|`$/.test(body) || /^ .*[^ ].* $/s.test(body) ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}
