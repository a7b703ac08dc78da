import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeHtml } from './escapeHtml';

const EVIL = '<img src=x onerror=alert(1)>';

test('escapeHtml escapes every character that can open markup or end an attribute', () => {
  assert.equal(escapeHtml(EVIL), '&lt;img src=x onerror=alert(1)&gt;');
  assert.equal(escapeHtml(`a&b "c" 'd' \`e\``), 'a&amp;b &quot;c&quot; &#39;d&#39; &#96;e&#96;');
  assert.equal(escapeHtml('&lt;'), '&amp;lt;', 'no double-unescape: & is escaped first');
  assert.equal(escapeHtml('plain'), 'plain');
});
