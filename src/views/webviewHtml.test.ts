import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderWebviewHtml, webviewCsp } from './webviewHtml';
import type { WebviewHtmlOptions } from './webviewHtml';

const CSP_SOURCE = 'https://*.vscode-cdn.net';

/** Directive name → its sources. */
function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...sources]) => [name!, sources]));
}

function unescapeAttribute(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&#96;/g, '`').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

test('the policy: nothing by default, scripts only with the nonce, no eval, no inline, no origin but the extension\'s own', () => {
  const csp = webviewCsp(CSP_SOURCE, 'abc123');
  assert.equal(
    csp,
    "default-src 'none'; img-src https://*.vscode-cdn.net data:; style-src https://*.vscode-cdn.net 'nonce-abc123'; font-src https://*.vscode-cdn.net; script-src 'nonce-abc123'",
  );
  const d = directives(csp);
  assert.deepEqual(d.get('default-src'), ["'none'"]);
  assert.deepEqual(d.get('script-src'), ["'nonce-abc123'"]);
  assert.equal(d.has('connect-src'), false, 'pages talk only through postMessage');
  assert.doesNotMatch(csp, /unsafe-(eval|inline)|'self'|\*(?!\.vscode-cdn)/);
  for (const [name, sources] of d) {
    for (const s of sources) assert.ok([CSP_SOURCE, 'data:', "'none'", "'nonce-abc123'"].includes(s), `${name} allows ${s}`);
  }
});

test('the page carries that policy, the codicons, its stylesheets in order and one nonce\'d script', () => {
  const o: WebviewHtmlOptions = {
    cspSource: CSP_SOURCE, nonce: 'n0nce', scriptUri: 'https://x/p.js', codiconsUri: 'https://x/c.css',
    styleUris: ['https://x/a.css', 'https://x/b.css'], title: 'A page', loadingText: 'Loading…',
  };
  const html = renderWebviewHtml(o);
  const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(meta, html);
  assert.equal(unescapeAttribute(meta[1]!), webviewCsp(CSP_SOURCE, 'n0nce'));
  const links = [...html.matchAll(/<link rel="stylesheet" href="([^"]*)"[^>]* nonce="n0nce">/g)].map((m) => m[1]);
  assert.deepEqual(links, ['https://x/c.css', 'https://x/a.css', 'https://x/b.css']);
  assert.match(html, /<title>A page<\/title>/);
  assert.match(html, /<main id="app" aria-busy="true"><p class="loading">Loading…<\/p><\/main>/);
  assert.deepEqual([...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]), [' nonce="n0nce" src="https://x/p.js"']);
  assert.doesNotMatch(renderWebviewHtml({ ...o, styleUris: undefined }), /a\.css|b\.css/);
});

test('every interpolated value is escaped: no value can close an attribute or open markup', () => {
  const evil = (field: string) => `${field}"'><script>alert(1)</script>\``;
  const html = renderWebviewHtml({
    cspSource: evil('src'), nonce: evil('nonce'), scriptUri: evil('script'), codiconsUri: evil('codicons'),
    styleUris: [evil('style')], title: evil('title'), loadingText: evil('loading'),
  });
  for (const field of ['src', 'nonce', 'script', 'codicons', 'style', 'title', 'loading']) {
    assert.ok(html.includes(`${field}&quot;&#39;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&#96;`), `${field} escaped`);
  }
  assert.equal((html.match(/<script/g) ?? []).length, 1, 'only the page script');
  assert.doesNotMatch(html, /alert\(1\)<\/script>/);
});
