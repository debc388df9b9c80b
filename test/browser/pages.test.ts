// The pages over the real archive (the repository's seed: every ICE list and the historical sources), in Chromium, as
// readers and newsrooms use them: the explorer in Spanish, each embed inside an <iframe> of a page from another
// origin, oEmbed for an explorer URL, framing refused outside /embed/, and Collier County's page citing its real
// sources with the window its 2007 agreement ended in.
import { createServer, type Server } from 'node:http';
import t, { type Test } from 'tap';
import { testApp } from '../helpers/app.ts';
import { launchBrowser, listen, screenshot, skipWithoutBrowser } from '../helpers/browser.ts';
import { seededDatabase } from '../helpers/seed.ts';

const skip = skipWithoutBrowser();
// Active agreements on ICE's list of 2025-06-06 (the archive's figure, also checked by /v1/stats below).
const ACTIVE_ON_2025_06_06 = 648;
const COLLIER = 'fl-collier-county-sheriffs-office';
// Its task force application of 2026-01-13 left the pending list the next day, never signed.
const LEEDS = 'al-leeds-police-department';

/** A newsroom's page on another origin (a second local port) framing `src`. */
async function hostPage(t: Test, frames: string[]): Promise<string> {
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(
      `<!doctype html><html lang="en"><head><title>A story</title></head><body><h1>A story</h1>${frames.map((src, index) => `<iframe id="frame-${index}" src="${src}" title="embed ${index}" width="800" height="600"></iframe>`).join('')}</body></html>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

t.setTimeout(1_800_000);
t.test('the pages over the real archive', { skip, timeout: 1_800_000 }, async (t) => {
  // The repository's seed: every list of the archive and the historical sources (a copy of one template per run).
  const database = await seededDatabase(t);
  const { app } = await testApp(t, { database });
  const origin = await listen(app);
  const api = async (path: string) => (await app.inject(path)).json();

  t.test('/?lang=es&as_of=2025-06-06 shows the count in Spanish', async (t) => {
    t.equal(
      (await api('/v1/stats?as_of=2025-06-06')).active_agreements,
      ACTIVE_ON_2025_06_06,
      'the API agrees with the archive',
    );
    const browser = await launchBrowser(t, [origin]);
    const page = await browser.newPage();
    await page.goto(`${origin}/?lang=es&as_of=2025-06-06`);
    const count = page.getByTestId('active-count');
    await count.filter({ hasText: /^\d+$/ }).waitFor();
    t.equal(Number(await count.textContent()), ACTIVE_ON_2025_06_06);
    t.equal(await page.locator('html').getAttribute('lang'), 'es');
    t.equal(await page.locator('#active-label').textContent(), 'acuerdos vigentes');
    t.match(
      await page.locator('#summary-detail').textContent(),
      /al 6 jun 2025, en manos de \d+ agencias/,
      'the date as Spanish writes it',
    );
    t.match(
      await page.locator('#summary-detail').textContent(),
      /\d+ terminados y \d+ solicitudes retiradas hasta esa fecha/,
      'withdrawn applications counted apart from ended agreements',
    );
    t.equal(await page.locator('label[for=model]').textContent(), 'Modelo');
    t.match(
      await page.locator('#model').textContent(),
      /modelo de fuerza de tarea/,
      'the models as the Spanish-language press names them',
    );
    t.equal(await page.locator('#lang-switch').textContent(), 'English');
    t.equal(
      await page.locator('#lang-switch').getAttribute('href'),
      '/?lang=en&as_of=2025-06-06',
      'the switch keeps the view',
    );
    await page.locator('#table-body tr').first().waitFor();
    t.equal(await page.locator('#table-body tr').count(), 50, 'the table comes a page at a time');
    t.match(await page.locator('#table-range').textContent(), /^Filas 1–50 de 648$/);
    await page.locator('#table-next').click();
    await page.getByText('Filas 51–100 de 648').waitFor();
    await page.locator('[data-testid=chart] svg').waitFor();
    t.ok(await page.getByTestId('chart-chosen').count(), 'the chart marks the chosen date');
    await screenshot(page, 'explorer-es-2025-06-06');

    // The switch, and Accept-Language alone.
    await page.locator('#lang-switch').click();
    await page.waitForURL(`${origin}/?lang=en&as_of=2025-06-06`);
    t.equal(await page.locator('html').getAttribute('lang'), 'en');
    t.equal(await page.locator('#active-label').textContent(), 'active agreements');
    const html = await app.inject({
      url: '/',
      headers: { accept: 'text/html', 'accept-language': 'es-MX,es;q=0.9,en;q=0.5' },
    });
    t.match(html.body, '<html lang="es">', 'Accept-Language alone chooses Spanish');
    t.same(browser.errors, []);
    t.same(browser.outside, []);
  });

  t.test("every embed renders inside an <iframe> of another origin and shows the API's count", async (t) => {
    const embeds = [
      {
        src: `${origin}/embed/map?as_of=2025-06-06&state=FL`,
        count: (await api('/v1/stats?as_of=2025-06-06&state=FL')).active_agreements,
      },
      {
        src: `${origin}/embed/chart?as_of=2025-06-06&lang=es`,
        count: (await api('/v1/stats?as_of=2025-06-06')).active_agreements,
      },
      {
        src: `${origin}/embed/county/12021?as_of=2025-06-06`,
        count: (await api('/v1/counties/12021?as_of=2025-06-06')).data.active_agreements,
      },
      {
        src: `${origin}/embed/state/TX?as_of=2025-06-06`,
        count: (await api('/v1/stats?as_of=2025-06-06&state=TX')).active_agreements,
      },
      {
        src: `${origin}/embed/agency/${COLLIER}`,
        count: (await api(`/v1/agencies/${COLLIER}`)).data.active_agreements,
      },
    ];
    const newsroom = await hostPage(
      t,
      embeds.map((embed) => embed.src),
    );
    t.not(new URL(newsroom).origin, origin);
    const browser = await launchBrowser(t, [origin, newsroom]);
    const page = await browser.newPage({ width: 1280, height: 3400 });
    await page.goto(newsroom);
    for (const [index, embed] of embeds.entries()) {
      const frame = page.frameLocator(`#frame-${index}`);
      const count = frame.getByTestId('embed-count');
      await count.filter({ hasText: /^[\d.,\s]+$/ }).waitFor();
      t.equal(Number(await count.getAttribute('data-count')), embed.count, `${embed.src}: the API's count`);
      t.match(await frame.getByTestId('embed-credit').textContent(), /ICE/, `${embed.src}: names its source`);
      t.ok(await frame.locator('#embed-credit').getAttribute('href'), 'links back to the full view');
    }
    t.match(await page.frameLocator('#frame-1').locator('html').getAttribute('lang'), 'es');
    await screenshot(page, 'embeds-in-another-origin');
    t.same(browser.errors, []);
    t.same(browser.outside, []);
  });

  t.test('/oembed answers oEmbed JSON for an explorer URL; pages name it', async (t) => {
    const url = `${origin}/?as_of=2025-06-06&state=FL`;
    // Asked at the service's own address, as a content system asks it (the URL must be a page of that address).
    const host = new URL(origin).host;
    const response = await app.inject({ url: `/oembed?url=${encodeURIComponent(url)}&format=json`, headers: { host } });
    t.equal(response.statusCode, 200);
    t.match(response.headers['content-type'], /^application\/json/);
    const oembed = response.json();
    t.match(oembed, {
      version: '1.0',
      type: 'rich',
      provider_name: String,
      provider_url: `${origin}/`,
      title: String,
      width: Number,
      height: Number,
      html: String,
    });
    t.match(oembed.html, `<iframe src="${origin}/embed/map?as_of=2025-06-06&amp;state=FL"`);
    const page = await app.inject({
      url: '/?as_of=2025-06-06&state=FL',
      headers: { accept: 'text/html', host: new URL(origin).host },
    });
    t.match(
      page.body,
      /<link rel="alternate" type="application\/json\+oembed" href="\/oembed\?url=http%3A%2F%2F127\.0\.0\.1%3A\d+%2F%3Fas_of%3D2025-06-06%26state%3DFL&amp;format=json"/,
      'discovery',
    );
    t.equal(
      (await app.inject({ url: `/oembed?url=${encodeURIComponent(url)}&format=xml`, headers: { host } })).statusCode,
      501,
      'only JSON',
    );
    t.equal(
      (await app.inject({ url: `/oembed?url=${encodeURIComponent('https://example.org/')}`, headers: { host } }))
        .statusCode,
      404,
      "only this service's pages",
    );
  });

  t.test('a page outside /embed/ refuses framing; API answers are nosniff', async (t) => {
    const newsroom = await hostPage(t, [`${origin}/?as_of=2025-06-06`, `${origin}/agencies/${COLLIER}`]);
    const browser = await launchBrowser(t, [origin, newsroom]);
    const page = await browser.newPage();
    await page.goto(newsroom);
    const refusals = () => browser.errors.filter((error) => /frame-ancestors 'none'/.test(error));
    for (const deadline = Date.now() + 30_000; refusals().length < 2 && Date.now() < deadline; )
      await page.waitForTimeout(100);
    t.equal(refusals().length, 2, `Chromium refused both frames for their CSP (${browser.errors.join('; ')})`);
    for (const frame of page.frames().filter((item) => item !== page.mainFrame())) {
      t.equal(
        await frame.locator('[data-testid=active-count], #agency').count(),
        0,
        `${frame.url()}: nothing of the page shows`,
      );
    }
    const explorer = await app.inject({ url: '/', headers: { accept: 'text/html' } });
    t.match(explorer.headers['content-security-policy'], "frame-ancestors 'none'");
    t.equal(explorer.headers['x-frame-options'], 'DENY');
    const embed = await app.inject('/embed/map');
    t.match(embed.headers['content-security-policy'], 'frame-ancestors *');
    t.notOk(embed.headers['x-frame-options']);
    for (const path of ['/v1/stats', '/v1/agreements.csv?limit=1', '/graphql?query=%7B__typename%7D']) {
      t.equal((await app.inject(path)).headers['x-content-type-options'], 'nosniff', path);
    }
  });

  t.test(
    'an application withdrawn from the pending list reads as withdrawn, never ended, in both languages',
    async (t) => {
      const browser = await launchBrowser(t, [origin]);
      const page = await browser.newPage();
      for (const [lang, label] of [
        ['en', 'withdrawn (never signed)'],
        ['es', 'retirada (nunca firmada)'],
      ] as const) {
        await page.goto(`${origin}/agencies/${LEEDS}?lang=${lang}`);
        const agreements = page.locator('table', { hasText: label });
        await agreements.waitFor();
        t.match(await agreements.textContent(), label, `${lang}: its status`);
      }
      t.same(browser.errors, []);
    },
  );

  t.test("Collier County's page cites its real sources and the window its 2007 agreement ended in", async (t) => {
    const browser = await launchBrowser(t, [origin]);
    const page = await browser.newPage();
    await page.goto(`${origin}/agencies/${COLLIER}`);
    const timeline = page.getByTestId('timeline');
    await timeline.locator('li').first().waitFor();
    const text = (await page.locator('main').textContent())!;
    t.notMatch(text, /null|undefined/, 'no "null" anywhere');
    const events = await timeline.locator('li').allTextContents();
    t.ok(
      events.some((event) => /Source: DHS OIG-10-63 App\. E Table 3 \(28 Oct 2009\), line \d+/.test(event)),
      'the OIG report cited with its line',
    );
    t.ok(
      events.some((event) => /Source: ICE 287\(g\) partners page, agency list as of 2007-09-19 .*line \d+/.test(event)),
      "ICE's list of 2007 cited",
    );
    t.ok(
      events.some((event) => /Source: ICE list of .* \(\w+.*\.xlsx, row \d+\)/.test(event)),
      'an ICE list cited with file and row',
    );
    t.match(events.join('\n'), /agreement ended between Oct 28, 2009 and Jan 13, 2021/, 'the end as its window');
    t.match(
      await page.locator('table').nth(1).textContent(),
      /ended between Oct 28, 2009 and Jan 13, 2021/,
      'in the agreements table too',
    );
    t.match(
      await page.getByTestId('reports').textContent(),
      /OIG-10-63|Oversight|287\(g\)/,
      'the report that names it',
    );
    t.match(await page.getByTestId('reports').textContent(), /What it says: /, 'with what it found');
    await screenshot(page, 'agency-collier-real-archive');
    t.same(browser.errors, []);
    t.same(browser.outside, []);
  });
});
