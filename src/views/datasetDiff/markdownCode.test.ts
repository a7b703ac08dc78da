import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { markdownCode } from './markdownCode';

/**
 * markdown-it renders Markdown in VS Code's preview (where the diff panel's
 * "Open Markdown" lands) and in vsce (our devDependency, which brings it):
 * the real renderer, not a guess at one.
 */
const MarkdownIt = createRequire(__filename)('markdown-it') as new () => { render(src: string): string; renderInline(src: string): string };
const md = new MarkdownIt();

/** What a reader sees inside the code element. */
function codeText(markdown: string): string {
  const html = md.renderInline(markdown);
  const m = /^<code>(.*)<\/code>$/s.exec(html);
  assert.ok(m, `not one code span: ${html}`);
  return m[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

test('a code span shows <, &, backslashes and Markdown punctuation exactly as they are', () => {
  for (const text of ['<script>alert(1)</script>', 'a & b &lt; c', 'C:\\data\\*x*_y_', '# [link](x) | ~~s~~']) {
    assert.equal(codeText(markdownCode(text)), text);
  }
  assert.equal(markdownCode('<b>'), '`<b>`');
});

test('backticks inside get a longer fence, and padding when they touch the edge', () => {
  for (const text of ['a`b', 'a``b`c', '`start', 'end`', '`', ' both ', '``']) {
    assert.equal(codeText(markdownCode(text)), text, markdownCode(text));
  }
  assert.equal(markdownCode('a``b'), '```a``b```');
  assert.equal(markdownCode('`x'), '`` `x ``');
});

test('a line break becomes a space; an empty name is still a visible span', () => {
  assert.equal(codeText(markdownCode('two\nlines')), 'two lines');
  assert.equal(markdownCode(''), '` `');
});

test('in a table cell a pipe is escaped so the row keeps its cells, and still reads as a pipe', () => {
  const html = md.render(`| a | b |\n|---|---|\n| ${markdownCode('x|y`z', { inTable: true })} | 2 |\n`);
  assert.match(html, /<td><code>x\|y`z<\/code><\/td>\s*<td>2<\/td>/);
});
