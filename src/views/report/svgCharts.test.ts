import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineChartSpec, lineChartSvg, PLOT_HEIGHT, PLOT_WIDTH } from './svgCharts';
import { auditSvg } from './testing/svgAudit';

/** The drawn lines (vega's line marks), in series order: stroke colour and the points of each piece of the path. */
function lines(svg: string): { stroke: string; pieces: number[][][] }[] {
  return [...svg.matchAll(/<g class="mark-line role-mark[^"]*"[^>]*><path ([^>]*)\/><\/g>/g)].map((m) => {
    const attr = (name: string) => new RegExp(`\\s?${name}="([^"]*)"`).exec(m[1]!)?.[1] ?? '';
    const pieces = attr('d').split('M').filter(Boolean).map((piece) => piece.replace(/Z$/, '').split('L').map((p) => p.split(',').map(Number)));
    return { stroke: attr('stroke'), pieces };
  });
}

const HOSTILE = '<script>alert(1)</script>"';

test('the chart holds every series\' points at their coordinates, a null breaks its line, and the texts are escaped', async () => {
  const svg = await lineChartSvg('train<loss>', 'step', [
    { label: 'baseline', color: '#1a85ff', x: [0, 50, 100], y: [0, 0.5, 1] },
    { label: HOSTILE, color: '#d18616', x: [0, 25, 50, 75, 100], y: [1, 0.75, null, 0.25, 0] },
  ]);
  // x 0..100 and y 0..1 fill the plot: y = 1 is its top (0), y = 0 its bottom.
  assert.deepEqual(lines(svg), [
    { stroke: '#1a85ff', pieces: [[[0, PLOT_HEIGHT], [PLOT_WIDTH / 2, PLOT_HEIGHT / 2], [PLOT_WIDTH, 0]]] },
    { stroke: '#d18616', pieces: [[[0, 0], [PLOT_WIDTH / 4, PLOT_HEIGHT / 4]], [[(3 * PLOT_WIDTH) / 4, (3 * PLOT_HEIGHT) / 4], [PLOT_WIDTH, PLOT_HEIGHT]]] },
  ]);
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, />train&lt;loss&gt;<\/text>/, 'the title');
  assert.match(svg, />step<\/text>/, 'the x axis title');
  assert.match(svg, />baseline<\/text>/, 'a legend entry');
  assert.ok(!svg.includes('<script') && svg.includes('&lt;script&gt;'), 'the hostile name is escaped text');
  assert.ok(!/="[^"]*"alert/.test(svg), 'its quote does not end an attribute');
});

test('the chart runs nothing, loads nothing, has no style or id for the page to clash with, and names only a generic font', async () => {
  const svg = await lineChartSvg('val_accuracy', 'step', [{ label: 'a', color: '#1a85ff', x: [1, 2, 3], y: [0.5, 0.7, 0.9] }]);
  assert.deepEqual(auditSvg(svg), { runs: [], loads: [], styles: [], ids: [], fonts: ['sans-serif'] });
  // The audit itself sees each thing it looks for.
  const bad = '<svg><style>a{}</style><script>x()</script><image href="http://x/y.png"/><rect id="c1" style="fill:red" onclick="x()" clip-path="url(#c1)" fill="url(http://x/p)"/><text font-family="DejaVu Sans">t</text></svg>';
  assert.deepEqual(auditSvg(bad), { runs: ['script', 'onclick'], loads: ['image', 'href', 'http://x/p'], styles: ['style', 'style'], ids: ['c1'], fonts: ['DejaVu Sans'] });
});

test('two series of the same name stay two lines with two legend entries', async () => {
  const spec = lineChartSpec('loss', 'step', [
    { label: 'run', color: '#1a85ff', x: [0, 1], y: [1, 2] },
    { label: 'run', color: '#d18616', x: [0, 1], y: [2, 1] },
    { label: 'run (2)', color: '#388a34', x: [0, 1], y: [3, 1] },
  ]);
  const color = (spec as { encoding: { color: { scale: { domain: string[] } } } }).encoding.color.scale.domain;
  assert.deepEqual(color, ['run', 'run (2)', 'run (2) (2)']);
  const svg = await lineChartSvg('loss', 'step', [
    { label: 'run', color: '#1a85ff', x: [0, 1], y: [1, 2] },
    { label: 'run', color: '#d18616', x: [0, 1], y: [2, 1] },
  ]);
  assert.deepEqual(lines(svg).map((l) => l.stroke), ['#1a85ff', '#d18616']);
  assert.match(svg, />run \(2\)<\/text>/);
});
