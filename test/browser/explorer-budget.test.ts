// What a phone downloads and lays out for the explorer, over the real archive (the repository's seed), in Chromium:
// the bytes on the wire (compressed, headers included, as Chromium's network layer counts them) of the page and
// everything it loads until the network is idle, and the number of DOM elements once the count, the table and the
// map are drawn. These do not vary run to run (unlike Lighthouse's timings, bench:pages): a budget crossed means
// a heavier explorer for every reader. The budgets are in the tests' names; each has headroom over today's figure.
import type { CDPSession, Page } from 'playwright-core';
import t, { type Test } from 'tap';
import { testApp } from '../helpers/app.ts';
import { launchBrowser, listen, skipWithoutBrowser } from '../helpers/browser.ts';
import { seededDatabase } from '../helpers/seed.ts';

const skip = skipWithoutBrowser();

const KB = 1000;
// `/`: at most 260 kB, under Lighthouse's goal of 400 kB (issue #20). Its DOM is mostly the map's shaded counties (one
// element each, 785 on the seed's latest list) and the table's page: the empty counties are a few shapes. Florida on
// a date loads one state's map and a shorter table. Today: 213 kB and 1,888 elements; 65 kB and 886.
const BUDGETS = [
  { path: '/', bytes: 260 * KB, elements: 2_400 },
  { path: '/?as_of=2025-06-06&state=FL', bytes: 90 * KB, elements: 1_200 },
];

/** Bytes received for every request of `page` from now on (the encoded length: compressed bodies and headers). */
async function countTransfer(session: CDPSession): Promise<() => { bytes: number; requests: string[] }> {
  const urls = new Map<string, string>();
  let bytes = 0;
  session.on('Network.requestWillBeSent', (event) => urls.set(event.requestId, event.request.url));
  session.on('Network.loadingFinished', (event) => {
    bytes += event.encodedDataLength;
  });
  await session.send('Network.enable');
  // A first visit: nothing from an earlier page comes out of the browser's cache.
  await session.send('Network.setCacheDisabled', { cacheDisabled: true });
  return () => ({ bytes, requests: [...urls.values()] });
}

async function settled(page: Page): Promise<void> {
  await page
    .getByTestId('active-count')
    .filter({ hasText: /^\d[\d,]*$/ })
    .waitFor();
  await page.locator('#table-body tr').first().waitFor();
  // The state borders go in once every county is drawn.
  await page.locator('path.state-borders').waitFor({ state: 'attached' });
}

t.setTimeout(1_800_000);
t.test('the explorer stays light on the wire and in the DOM', { skip, timeout: 1_800_000 }, async (t) => {
  const database = await seededDatabase(t);
  const { app } = await testApp(t, { database });
  const origin = await listen(app);
  const browser = await launchBrowser(t, [origin]);

  for (const budget of BUDGETS) {
    t.test(
      `${budget.path}: at most ${budget.bytes / KB} kB transferred and ${budget.elements} DOM elements`,
      async (t: Test) => {
        const page = await browser.newPage();
        const transfer = await countTransfer(await browser.context.newCDPSession(page));
        await page.goto(`${origin}${budget.path}`, { waitUntil: 'networkidle' });
        await settled(page);
        await page.waitForLoadState('networkidle');
        const { bytes, requests } = transfer();
        const elements = await page.locator('*').count();
        t.comment(`${budget.path}: ${bytes} bytes in ${requests.length} requests, ${elements} DOM elements`);
        t.ok(
          requests.some((url) => url.includes(`/explorer/map-`)),
          'the map is among what was counted',
        );
        t.ok(bytes <= budget.bytes, `${Math.round(bytes / KB)} kB transferred (budget ${budget.bytes / KB} kB)`);
        t.ok(elements <= budget.elements, `${elements} DOM elements (budget ${budget.elements})`);
        t.same(browser.errors, []);
        await page.close();
      },
    );
  }
});
