import { openComparePage } from '../src/views/compare/testing/pageHarness';
import type { HostToPage, SeriesPayload } from '../src/protocol/compare';
(async () => {
  const h = await openComparePage();
  const { page } = h;
  page.on('console', (m) => { if (m.text().startsWith('PERF')) console.log(m.text()); });
  const N = Number(process.env.N ?? 100);
  const runs = Array.from({ length: N }, (_, i) => ({ id: i.toString(16).padStart(32, '0'), name: `run-${i}`, experiment: 'e', status: 'finished', t0: 1e12, colorIndex: i }));
  const keys = ['train_loss', 'val_loss', 'train_accuracy', 'val_accuracy', 'lr'];
  const series = (key: string, k: number): SeriesPayload[] =>
    runs.map((r, i) => {
      const steps = Array.from({ length: 1000 }, (_, j) => j * 10);
      return { runId: r.id, key, steps, values: steps.map((s) => Math.exp(-s / (2000 + 37 * i)) + 0.01 * k + 0.02 * Math.sin(s + i)), t: steps.map((s) => s * 20), downsampled: true, count: 10_000 };
    });
  const table = [{ group: 'param' as const, key: 'lr', values: runs.map((_, i) => String(0.001 * (1 + (i % 7)))), differs: true }];
  const data = { runs, chartKeys: keys, table, confusionMatrices: [], featureImportances: [], classReports: [], pointsPerSeries: 1000, missingRunIds: [] };
  const messages: HostToPage[] = [{ type: 'data', reason: 'init', data }, ...keys.map((key, k) => ({ type: 'series' as const, reason: 'init' as const, key, series: series(key, k) }))];
  let t0 = Date.now();
  await page.evaluate((json) => { (window as any).__msgs = JSON.parse(json); }, JSON.stringify(messages));
  console.log('transfer', Date.now() - t0);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  t0 = Date.now();
  const ms = await page.evaluate(async () => {
    const ms = (window as any).__msgs as unknown[];
    const times: number[] = [];
    const t0 = performance.now();
    const drawnAt: string[] = [];
    new MutationObserver((recs) => { for (const r of recs) if ((r.target as HTMLElement).dataset.drawn) drawnAt.push(`${(r.target as HTMLElement).dataset.key}@${(performance.now() - t0).toFixed(0)}`); }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-drawn'] });
    (window as any).__drawnAt = drawnAt;
    for (const m of ms) { window.dispatchEvent(new MessageEvent('message', { data: m })); times.push(performance.now() - t0); }
    let seen = 0;
    while (document.querySelectorAll('.chart-card[data-drawn]').length < 5) {
      const n = document.querySelectorAll('.chart-card[data-drawn]').length;
      if (n !== seen) { seen = n; times.push(-(performance.now() - t0)); }
      await new Promise((r) => setTimeout(r, 5));
    }
    times.push(performance.now() - t0);
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    times.push(performance.now() - t0);
    return [...times, ...drawnAt];
  });
  console.log('page', ms, 'wall', Date.now() - t0);
  const { profile } = await cdp.send('Profiler.stop') as any;
  const self = new Map<string, number>();
  const dt = profile.timeDeltas as number[];
  const byId = new Map(profile.nodes.map((n: any) => [n.id, n]));
  const counts = new Map<number, number>();
  for (const sid of profile.samples) counts.set(sid, (counts.get(sid) ?? 0) + 1);
  const total = profile.samples.length;
  for (const [id, c] of counts) { const n: any = byId.get(id); const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`; self.set(k, (self.get(k) ?? 0) + c); }
  console.log([...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, c]) => `${(100 * c / total).toFixed(1)}% ${k}`).join('\n'));
  // inclusive
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const incl = new Map<string, number>();
  for (const [id, c] of counts) {
    const seen = new Set<string>();
    let cur: number | undefined = id;
    while (cur !== undefined) { const n: any = byId.get(cur); const k = `${n.callFrame.functionName || '(anon)'}:${n.callFrame.lineNumber}`; if (!seen.has(k)) { seen.add(k); incl.set(k, (incl.get(k) ?? 0) + c); } cur = parent.get(cur); }
  }
  console.log('INCL\n' + [...incl.entries()].sort((a, b) => b[1] - a[1]).slice(0, 45).map(([k, c]) => `${(100 * c / total).toFixed(1)}% ${k}`).join('\n'));
  console.log(h.errors);
  await page.screenshot({ path: '/tmp/perf.png' });
  await h.close();
})();
