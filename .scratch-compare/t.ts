import { buildPage } from '../src/views/compare/testing/pageHarness';
import { chromium } from 'playwright-core';
(async () => {
  let t0 = Date.now();
  await buildPage('/tmp/pp');
  console.log('build', Date.now() - t0);
  t0 = Date.now();
  const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  console.log('launch', Date.now() - t0);
  await b.close();
})();
