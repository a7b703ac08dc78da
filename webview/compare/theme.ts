/** Colours and fonts of the current VS Code theme, read from its CSS variables for chart.js (canvas cannot use var()). */
export interface Theme {
  readonly foreground: string;
  readonly muted: string;
  readonly background: string;
  readonly grid: string;
  readonly fontFamily: string;
  readonly fontSize: number;
  readonly tooltipBackground: string;
  readonly tooltipBorder: string;
  readonly accent: string;
  /** `--vscode-charts-*` in a fixed order; runs past these get generated hues. */
  readonly charts: readonly string[];
  readonly low: string;
  readonly high: string;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  return style.getPropertyValue(name).trim() || fallback;
}

let normalizer: CanvasRenderingContext2D | null | undefined;

/**
 * Any CSS colour with an alpha, e.g. for faint raw curves. The canvas
 * normalises whatever syntax the theme used (#rgb, rgb(), hsl()…) to
 * `#rrggbb` or `rgba()`, which is simpler than parsing it here.
 */
export function withAlpha(color: string, alpha: number): string {
  normalizer ??= document.createElement('canvas').getContext('2d');
  if (!normalizer) return color;
  normalizer.fillStyle = '#000';
  normalizer.fillStyle = color;
  const c = String(normalizer.fillStyle);
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(c);
  if (hex) return `rgba(${parseInt(hex[1], 16)}, ${parseInt(hex[2], 16)}, ${parseInt(hex[3], 16)}, ${alpha})`;
  const rgba = /^rgba?\(([^,]+),([^,]+),([^,)]+)/.exec(c);
  return rgba ? `rgba(${rgba[1].trim()}, ${rgba[2].trim()}, ${rgba[3].trim()}, ${alpha})` : c;
}

/** Linear mix of two colours, t in [0, 1] (parallel-coordinates colour scale). */
export function mix(a: string, b: string, t: number): string {
  const rgb = (c: string) => (/rgba\(([^,]+), ([^,]+), ([^,]+),/.exec(withAlpha(c, 1)) ?? ['', '0', '0', '0']).slice(1, 4).map(Number);
  const [x, y] = [rgb(a), rgb(b)];
  const k = Math.min(1, Math.max(0, t));
  return `rgb(${x.map((v, i) => Math.round(v + (y[i] - v) * k)).join(', ')})`;
}

export function readTheme(): Theme {
  const s = getComputedStyle(document.documentElement);
  const dark = document.body.classList.contains('vscode-dark') || document.body.classList.contains('vscode-high-contrast');
  const foreground = cssVar(s, '--vscode-foreground', dark ? '#cccccc' : '#3b3b3b');
  const names: [string, string][] = [
    ['blue', '#3794ff'], ['orange', '#d18616'], ['green', '#89d185'], ['red', '#f14c4c'], ['purple', '#b180d7'], ['yellow', '#cca700'],
  ];
  const charts = names.map(([n, fb]) => cssVar(s, `--vscode-charts-${n}`, fb));
  return {
    foreground,
    muted: cssVar(s, '--vscode-descriptionForeground', foreground),
    background: cssVar(s, '--vscode-editor-background', dark ? '#1e1e1e' : '#ffffff'),
    grid: withAlpha(cssVar(s, '--vscode-charts-lines', foreground), 0.18),
    fontFamily: cssVar(s, '--vscode-font-family', 'system-ui, sans-serif'),
    fontSize: parseFloat(cssVar(s, '--vscode-font-size', '13')) || 13,
    tooltipBackground: cssVar(s, '--vscode-editorHoverWidget-background', dark ? '#252526' : '#f3f3f3'),
    tooltipBorder: cssVar(s, '--vscode-editorHoverWidget-border', foreground),
    accent: cssVar(s, '--vscode-focusBorder', charts[0]),
    charts,
    low: charts[0],
    high: charts[1],
  };
}

/** Colour of palette slot `i`: the theme's chart colours, then golden-angle hues that stay apart. */
export function runColor(theme: Theme, i: number): string {
  if (i < theme.charts.length) return theme.charts[i];
  const hue = (i * 137.508) % 360;
  const light = document.body.classList.contains('vscode-light') ? 40 : 62;
  return `hsl(${hue.toFixed(1)}, 65%, ${light}%)`;
}
