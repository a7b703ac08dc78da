import type { TopLevelSpec } from 'vega-lite';

/**
 * Renders a vega-lite spec to SVG text with no DOM. This module is bundled on
 * its own (esbuild.mjs: dist/reportCharts.js, vega and vega-lite inside, about
 * 0.9 MB) and loaded by svgCharts.ts only when a report draws a chart, so
 * the extension and the CLI do not parse vega each time they start.
 *
 * vega is imported dynamically: it is ESM with a top-level await (its probe
 * for node-canvas), which require() cannot load under Node 20; the bundle
 * aliases that probe away. Data comes inline in the spec: nothing is fetched.
 */
export async function vegaLiteToSvg(spec: TopLevelSpec): Promise<string> {
  const [{ parse, View }, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
