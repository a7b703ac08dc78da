/**
 * What an SVG chart would run, load or need from the page it is inlined in,
 * read from its markup: the report's tests and its chart benchmark use it
 * (scripts/bench/reportChartsBench.ts).
 */
export interface SvgAudit {
  /** Anything that runs: script elements, event handler attributes, javascript: URLs. */
  readonly runs: readonly string[];
  /** Anything that loads: elements that fetch, href/src attributes, url() other than a #fragment, @import, @font-face. */
  readonly loads: readonly string[];
  /** What the report's CSP refuses: style attributes and <style> elements (it allows its one hashed sheet). */
  readonly styles: readonly string[];
  /** id attributes: two charts inlined in one HTML page share one id space, so an id may point into another chart. */
  readonly ids: readonly string[];
  /** The font families it names (a named font draws only where it is installed; a generic family draws anywhere). */
  readonly fonts: readonly string[];
}

const all = (svg: string, re: RegExp) => [...svg.matchAll(re)].map((m) => m[1] ?? m[0]);

export function auditSvg(svg: string): SvgAudit {
  const tags = svg.match(/<[a-zA-Z][^>]*>/g) ?? [];
  return {
    runs: [...all(svg, /<(script)\b/gi), ...tags.flatMap((t) => all(t, /\s(on[a-z]+)\s*=/gi)), ...all(svg, /javascript:/gi)],
    loads: [
      ...all(svg, /<(image|use|foreignObject|iframe|object|embed|link|img|audio|video|feImage)\b/gi),
      ...tags.flatMap((t) => all(t, /\s((?:xlink:)?href|src)\s*=/gi)),
      ...all(svg, /url\(\s*['"]?(?!#)([^)'"]*)/gi),
      ...all(svg, /@import|@font-face/gi),
    ],
    styles: [...tags.flatMap((t) => all(t, /\s(style)\s*=/gi)), ...all(svg, /<(style)\b/gi)],
    ids: tags.flatMap((t) => all(t, /\sid\s*=\s*"([^"]*)"/gi)),
    fonts: [...new Set(tags.flatMap((t) => all(t, /\sfont-family\s*=\s*"([^"]*)"/gi)))],
  };
}
