import { openComparePage } from '../src/views/compare/testing/pageHarness';
(async () => {
  const t0 = Date.now();
  const h = await openComparePage();
  console.log('opened', Date.now() - t0);
  await new Promise((r) => setTimeout(r, 2000));
  console.log('errors', h.errors);
  console.log('csp', await h.violations());
  console.log('posted', await h.posted());
  console.log(await h.page.evaluate(() => document.documentElement.outerHTML.slice(0, 1500)));
  await h.close();
})();
