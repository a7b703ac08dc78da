/**
 * The HTML report of three runs opened in Debian's Chromium (playwright-core,
 * as the compare page's tests): every section shows, the charts draw, the
 * hashed style sheet applies, a hostile run name is text, and the CSP holds:
 * a script added to the page does not run and an image pointed at a live
 * server on 127.0.0.1 is never requested.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { tempStore } from '../../store/testing/tempStore';
import { LocalRunSource } from '../../tracking/localRunSource';
import { CHROMIUM } from '../compare/testing/pageHarness';
import { REPORT_SECTIONS } from './reportBlocks';
import { collectReport } from './reportModel';
import { EVIL, threeRuns } from './testing/threeRuns';
import { writeReport } from './writeReport';

const skip = fs.existsSync(CHROMIUM) ? false : `${CHROMIUM} missing (scripts/install-e2e-deps.sh installs it)`;

test('a 3-run HTML report in Chromium: every section, charts, escaped names, and a CSP that blocks scripts and remote loads', { skip, timeout: 90_000 }, async (t) => {
  const { store } = tempStore(t);
  const ids = threeRuns(store);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-report-page-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'report.html');
  await writeReport(await collectReport(ids.map((runId) => ({ source: new LocalRunSource(store), runId }))), 'html', file);

  // A live server the page must never reach.
  let requests = 0;
  const server = http.createServer((_req, res) => {
    requests++;
    res.writeHead(200, { 'content-type': 'image/png' }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const console: string[] = [];
  page.on('console', (m) => console.push(m.text()));
  page.on('dialog', (d) => {
    console.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  // Injected by the browser driver, not the page (the CSP does not apply to it): records every violation from the start.
  await page.addInitScript("window.__csp = []; document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));");
  await page.goto(pathToFileURL(file).href);
  const violations = () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);

  for (const id of REPORT_SECTIONS) assert.equal(await page.locator(`h2#${id}`).isVisible(), true, id);
  // The curve: one drawn line per run (vega's line marks).
  const widths = await page.locator('figure svg g.mark-line path').evaluateAll((ps) => ps.map((p) => (p as SVGPathElement).getBBox().width));
  assert.equal(widths.length, 3);
  assert.ok(widths.every((w) => w > 100), `lines drawn across the chart: ${widths.join(', ')}`);
  // The style sheet is allowed by its hash: the best value is bold.
  assert.equal(await page.locator('td.best').first().evaluate((td) => getComputedStyle(td).fontWeight), '600');
  // The hostile name is text (runs table, metrics header, slices…), never an element.
  assert.ok((await page.getByText(EVIL, { exact: true }).count()) >= 3);
  assert.equal(await page.locator('img').count(), 0);
  assert.deepEqual(console.filter((m) => /Content Security Policy|Refused/.test(m)), [], 'the report itself needs nothing the CSP refuses or ignores');
  assert.deepEqual(await violations(), []);

  // The CSP holds against what a report must never do.
  const ran = await page.evaluate((src) => {
    const s = document.createElement('script');
    s.textContent = 'window.__ran = true';
    document.body.append(s);
    const img = document.createElement('img');
    img.src = `${src}/pixel.png`;
    document.body.append(img);
    return (window as unknown as { __ran?: boolean }).__ran ?? false;
  }, origin);
  assert.equal(ran, false, 'an inline script does not run');
  // Violations are reported as events (the console wording differs between Chromium versions).
  const deadline = Date.now() + 30_000;
  while ((await violations()).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual((await violations()).sort(), [`img-src ${origin}/pixel.png`, 'script-src-elem inline']);
  assert.equal(requests, 0, 'the server was never asked');

  const shot = path.join(os.tmpdir(), 'runlens-report.png');
  await page.screenshot({ path: shot, fullPage: true });
  t.diagnostic(`screenshot: ${shot}`);
});
