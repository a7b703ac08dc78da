const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/**
 * Text safe inside HTML element content and quoted attribute values. The page
 * builds its DOM with textContent; this is for the few strings the host puts
 * into the HTML shell (URIs, nonce, title) and any markup built from data.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => HTML_ESCAPES[c] ?? c);
}
