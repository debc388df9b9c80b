// The explorer in a real browser, as a reporter uses it: the count for a date, a shared link, a county, an agency.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// (The DOM types are for the functions this file runs inside Chromium with page.evaluate.)
import t from 'tap';
import { testApp } from '../helpers/app.ts';
import { launchBrowser, listen, screenshot, skipWithoutBrowser } from '../helpers/browser.ts';
import { ingestList } from '../../src/ingestion/ingest.ts';
import { buildList } from '../helpers/build-list.ts';
import { PARTICIPATING_COLUMNS, SEED_FACTS, seedHistory } from '../helpers/fixtures.ts';

const PHONE = { width: 390, height: 844 };

t.test(
  'the explorer shows the agreements on a date, by county, and an agency page',
  { skip: skipWithoutBrowser() },
  async (t) => {
    const { app, database } = await testApp(t);
    await seedHistory(database.pool);
    const origin = await listen(app);
    const browser = await launchBrowser(t, [origin]);
    const stats = async (query: string) => (await app.inject(`/v1/stats?${query}`)).json().active_agreements as number;
    const page = await browser.newPage();

    t.test('the active count for a date equals /v1/stats and the table', async (t) => {
      await page.goto(`${origin}/?as_of=2025-03-15`);
      const count = page.getByTestId('active-count');
      await count.filter({ hasText: /^\d+$/ }).waitFor();
      t.equal(Number(await count.textContent()), await stats('as_of=2025-03-15'));
      t.equal(Number(await count.textContent()), SEED_FACTS.asOf['2025-03-15'].active);
      // The count comes first; the table, the statewide agencies and the map after it. The page says when it is done.
      await page.locator('body:not([aria-busy])').waitFor();
      t.equal(
        await page.locator('#table-body tr').count(),
        SEED_FACTS.asOf['2025-03-15'].active,
        'one table row per active agreement',
      );
      t.equal(await page.locator('#as_of').inputValue(), '2025-03-15');
      t.match(
        await page.locator('#statewide-list').textContent(),
        /Florida Highway Patrol/,
        'statewide agencies listed by state',
      );
      t.match(
        await page.locator('#changes-list').textContent(),
        /Lubbock County Sheriff's Office signed a Task Force Model agreement \(TX\)/,
        'what changed lists the latest events',
      );
    });

    t.test('every territory is drawn, and a click on a county without agreements chooses it', async (t) => {
      // The counties without agreements are drawn as a few shapes, not one element each: a click finds its county
      // by the outlines. For each place: a point inside its outline, on the screen, then a real click there.
      const tall = await browser.newPage({ width: 1280, height: 1400 });
      await tall.goto(`${origin}/?as_of=2025-03-15`);
      await tall.locator('path.state-borders').waitFor({ state: 'attached' });
      t.ok(await tall.locator('path.county.empty').count(), 'the empty counties are drawn');
      const clicked: string[] = [];
      for (const [fips, name, state] of [
        ['66010', 'Guam', 'GU'],
        ['69110', 'Northern Mariana Islands (Saipan)', 'MP'],
        ['60010', 'American Samoa', 'AS'],
        ['72127', 'Puerto Rico', 'PR'],
        ['78030', 'Virgin Islands', 'VI'],
        ['02020', 'Alaska', 'AK'],
        ['15003', 'Hawaii', 'HI'],
      ] as const) {
        // A click redraws the map (the chosen county outlined): each county is looked for in a finished map.
        await tall.locator('path.state-borders').waitFor({ state: 'attached' });
        const found = await tall.evaluate(async (fips) => {
          const folder = document.querySelector('meta[name="map-shapes"]')!.getAttribute('content');
          const shapes = (await (await fetch(`${folder}US.json`)).json()) as { counties: [string, string][] };
          const outline = shapes.counties.find(([code]) => code === fips)?.[1];
          if (!outline) return null;
          const drawn = [...document.querySelectorAll('#map path.county')].some((shape) =>
            shape.getAttribute('d')!.includes(outline),
          );
          const probe = document.createElementNS('http://www.w3.org/2000/svg', 'path');
          probe.setAttribute('d', outline);
          probe.setAttribute('fill', 'none');
          document.querySelector('#map g.counties')!.append(probe);
          const box = probe.getBBox();
          const toScreen = probe.getScreenCTM()!;
          const corner = (x: number, y: number) => new DOMPoint(x, y).matrixTransform(toScreen);
          const [from, to] = [corner(box.x, box.y), corner(box.x + box.width, box.y + box.height)];
          const frame = document.querySelector('#map svg')!.getBoundingClientRect();
          const inFrame =
            from.x >= frame.left &&
            from.y >= frame.top &&
            to.x <= frame.right &&
            to.y <= frame.bottom &&
            to.x > from.x &&
            to.y > from.y;
          // A whole pixel of the screen (a click's position is one) whose middle is inside the outline, not under a
          // statewide agencies' mark (it lies over a state's middle).
          const step = Math.max(1, Math.floor((to.x - from.x) / 24));
          let point: { x: number; y: number } | null = null;
          for (let x = Math.ceil(from.x); x <= to.x && !point; x += step) {
            for (let y = Math.ceil(from.y); y <= to.y && !point; y += step) {
              const inside = probe.isPointInFill(new DOMPoint(x, y).matrixTransform(toScreen.inverse()));
              if (inside && document.elementFromPoint(x, y)?.closest('.counties')) point = { x, y };
            }
          }
          probe.remove();
          return { drawn, inFrame, point };
        }, fips);
        t.ok(found?.drawn && found.inFrame, `${name} is drawn, inside the map's frame`, { found });
        if (!t.ok(found?.point, `${name} has a point to click`) || !found?.point) continue;
        await tall.mouse.click(found.point.x, found.point.y);
        await tall.waitForURL(new RegExp(`county=${fips}`));
        await tall
          .getByTestId('county-panel')
          .locator('h3')
          .filter({ hasText: new RegExp(`, ${state}$`) })
          .waitFor();
        clicked.push(fips);
      }
      t.same(clicked, ['66010', '69110', '60010', '72127', '78030', '02020', '15003'], 'a click chose each of them');
      await tall.close();
    });

    t.test("the chart's table is made when opened, and a date in it moves the view", async (t) => {
      await page.goto(`${origin}/?as_of=2025-03-15`);
      await page.locator('[data-testid=chart] svg').waitFor();
      const rows = page.getByTestId('chart-table').locator('tbody tr');
      t.equal(await rows.count(), 0, 'no rows before the table is opened');
      await page.locator('.chart-table summary').click();
      await rows.first().waitFor();
      t.equal(
        await rows.count(),
        await page.locator('[data-testid=chart] circle.target').count(),
        'a row per point of the chart',
      );
      // The monthly points are month ends.
      const april = rows.locator('button', { hasText: 'Apr 30, 2025' });
      t.equal(await april.getAttribute('data-date'), '2025-04-30');
      await april.click();
      await page.waitForURL(/as_of=2025-04-30/);
      t.equal(await page.locator('#as_of').inputValue(), '2025-04-30');
    });

    t.test('dates and counts read as Intl writes them, in English and in Spanish', async (t) => {
      for (const lang of ['en', 'es']) {
        const reader = await browser.newPage();
        await reader.goto(`${origin}/?lang=${lang}`);
        await reader.getByTestId('active-count').filter({ hasText: /^\d/ }).waitFor();
        const differences = await reader.evaluate(async (lang) => {
          const i18n = '/explorer/i18n.js'; // the page's own module (a URL of the service)
          const { formatDate, formatNumber } = (await import(i18n)) as {
            formatDate(day: string): string;
            formatNumber(value: number): string;
          };
          const dates = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone: 'UTC' });
          const numbers = new Intl.NumberFormat(lang);
          const differences: string[] = [];
          for (let time = Date.UTC(2024, 0, 1); time < Date.UTC(2025, 0, 1); time += 86_400_000) {
            const day = new Date(time).toISOString().slice(0, 10);
            if (formatDate(day) !== dates.format(new Date(time))) differences.push(`${day}: ${formatDate(day)}`);
          }
          for (const value of [0, 7, 12, 999, 1000, 1492, 9999, 10000, 12345, 999999, 1234567, -1234, -12345]) {
            if (formatNumber(value) !== numbers.format(value)) differences.push(`${value}: ${formatNumber(value)}`);
          }
          return differences;
        }, lang);
        t.same(differences, [], `${lang}: every day of 2024 and counts of every length`);
        await reader.close();
      }
    });

    t.test('a shared link reproduces the view, and the controls change it', async (t) => {
      await page.goto(`${origin}/?as_of=2025-04-15&state=FL&model=task_force`);
      const count = page.getByTestId('active-count');
      await count.filter({ hasText: /^\d+$/ }).waitFor();
      await page.locator('body:not([aria-busy])').waitFor();
      t.equal(Number(await count.textContent()), await stats('as_of=2025-04-15&state=FL&model=task_force'));
      t.equal(Number(await count.textContent()), 2, 'Collier and the Highway Patrol under the Task Force Model');
      t.equal(await page.locator('#state').inputValue(), 'FL');
      t.equal(await page.locator('#model').inputValue(), 'task_force');
      t.equal(
        await page.locator('#csv-link').getAttribute('href'),
        '/v1/agreements.csv?as_of=2025-04-15&model=task_force&state=FL&status=active',
      );
      const csv = await app.inject((await page.locator('#csv-link').getAttribute('href'))!);
      t.equal(csv.body.trim().split('\n').length - 1, 2, 'the CSV link downloads the rows of the view');

      await page.locator('#model').selectOption('jail_enforcement');
      await page.waitForURL(/model=jail_enforcement/);
      await count
        .filter({ hasText: String(await stats('as_of=2025-04-15&state=FL&model=jail_enforcement')) })
        .waitFor();
      await page.locator('#state').selectOption('');
      await page.locator('#model').selectOption('');
      await page.waitForURL(`${origin}/?as_of=2025-04-15`);
      await page.locator('#previous-list').click();
      await page.waitForURL(`${origin}/?as_of=2025-04-01`);
      t.equal(await page.locator('#as_of').inputValue(), '2025-04-01', 'the date steps to the previous ICE list');
      await count.filter({ hasText: String(await stats('as_of=2025-04-01')) }).waitFor();
      await page.goBack();
      await page.waitForURL(`${origin}/?as_of=2025-04-15`);
      t.equal(await page.locator('#as_of').inputValue(), '2025-04-15', 'Back restores the previous view');
    });

    t.test('choosing a county lists its agencies and agreements', async (t) => {
      await page.goto(`${origin}/`);
      await page.getByTestId('active-count').filter({ hasText: /^\d+$/ }).waitFor();
      await page.locator(`path[data-fips="${SEED_FACTS.collierCountyFips}"]`).click();
      await page.waitForURL(/county=12021/);
      const panel = page.getByTestId('county-panel');
      await panel.getByText('Collier County, FL').waitFor();
      t.match(
        await panel.textContent(),
        /Collier County Sheriff's Office.*Jail Enforcement Model, signed Jun 1, 2019/s,
      );
      t.match(await panel.textContent(), /Task Force Model, signed Mar 15, 2025/);
      // The keyboard reaches shaded counties too.
      await page.locator(`path[data-fips="${SEED_FACTS.harrisCountyFips}"]`).focus();
      await page.keyboard.press('Enter');
      await panel.getByText('Harris County, TX').waitFor();
      t.match(await panel.textContent(), /City of Houston Police Department|Houston Police Department/);
      await screenshot(page, 'explorer-1280x800');
    });

    t.test('an agency page shows its names over time and a timeline citing ICE lists', async (t) => {
      await page
        .getByTestId('county-panel')
        .getByRole('link', { name: /Houston Police Department/ })
        .click();
      await page.waitForURL(/\/agencies\//);
      const timeline = page.getByTestId('timeline');
      await timeline.locator('li').first().waitFor();
      t.match(await page.locator('h2').first().textContent(), /Houston Police Department/);
      t.match(
        await page.locator('main').textContent(),
        /City of Houston Police Department.*May 1, 2025/s,
        'the later spelling is among its names',
      );
      const events = await timeline.locator('li').allTextContents();
      t.ok(events.length >= 1, 'the timeline has events');
      t.ok(
        events.every((event) =>
          /Source: ICE list of [A-Z][a-z]{2} \d{1,2}, \d{4} \(participatingAgencies\d+pm\.xlsx, row \d+\)/.test(event),
        ),
        'each event cites its list',
      );
      await screenshot(page, 'agency-1280x800');

      await page.goto(`${origin}/agencies/fl-collier-county-sheriffs-office`);
      await timeline.locator('li').first().waitFor();
      const collier = await timeline.locator('li').allTextContents();
      t.match(
        collier,
        [
          /^Jun 1, 2019 Collier County Sheriff's Office signed a Jail Enforcement Model agreement\. Source: ICE list of Mar 1, 2025/,
          /^Feb 20, 2025 Collier County Sheriff's Office signed a Task Force Model agreement\. Source: ICE list of Mar 1, 2025/,
          /^Mar 15, 2025 Collier County Sheriff's Office renewed its Task Force Model agreement\. Source: ICE list of Apr 1, 2025/,
          /^Apr 1, 2025 Collier County Sheriff's Office's earlier Task Force Model agreement was replaced by its renewal\. Source: ICE list of Apr 1, 2025/,
        ],
        'the timeline tells the renewal in order, each event citing its list',
      );
    });

    t.test('the explorer and an agency page work at phone width', async (t) => {
      const phone = await browser.newPage(PHONE);
      await phone.goto(`${origin}/?as_of=2025-05-15`);
      await phone.getByTestId('active-count').filter({ hasText: /^\d+$/ }).waitFor();
      t.equal(Number(await phone.getByTestId('active-count').textContent()), await stats('as_of=2025-05-15'));
      t.ok(await phone.getByTestId('active-count').isVisible());
      const width = (await phone.evaluate('document.documentElement.scrollWidth')) as number;
      t.ok(width <= PHONE.width, `nothing scrolls sideways (page width ${width})`);
      const row = phone.locator('#table-body tr').first();
      t.ok((await row.boundingBox())!.width <= PHONE.width, 'table rows fit the screen');
      await screenshot(phone, 'explorer-390x844');
      await phone.goto(`${origin}/agencies/fl-collier-county-sheriffs-office`);
      await phone.getByTestId('timeline').locator('li').first().waitFor();
      t.ok(
        ((await phone.evaluate('document.documentElement.scrollWidth')) as number) <= PHONE.width,
        'the agency page fits too',
      );
      await screenshot(phone, 'agency-390x844');
      await phone.close();
    });

    t.test('no console error and no request outside the service', async (t) => {
      t.same(browser.errors, []);
      t.same(browser.outside, []);
    });
  },
);

t.test(
  'an agency page lists the oversight reports that name it; an unknown agency says so',
  { skip: skipWithoutBrowser() },
  async (t) => {
    const { app, database } = await testApp(t);
    const buffer = await buildList({
      columns: PARTICIPATING_COLUMNS,
      rows: [
        [
          'ARIZONA',
          "Maricopa County Sheriff's Office",
          'County',
          'Maricopa County',
          'Jail Enforcement Model',
          new Date('2025-01-10T00:00:00Z'),
          null,
        ],
      ],
    });
    t.equal(
      (await ingestList(database.pool, { buffer, fileName: 'participatingAgencies03012025pm.xlsx' })).outcome,
      'applied',
    );
    const id = 'az-maricopa-county-sheriffs-office';
    const reports = (await app.inject(`/v1/agencies/${id}`)).json().data.reports as { report_id: string }[];
    t.ok(reports.length > 0, 'the reference data has reports naming Maricopa');
    const titles = new Map(
      ((await app.inject('/v1/reports')).json().data as { id: string; title: string }[]).map((report) => [
        report.id,
        report.title,
      ]),
    );

    const origin = await listen(app);
    const browser = await launchBrowser(t, [origin]);
    const page = await browser.newPage();
    await page.goto(`${origin}/agencies/${id}`);
    const section = page.getByTestId('reports');
    await section.locator('li').first().waitFor();
    const items = await section.locator('li').allTextContents();
    t.equal(items.length, reports.length);
    for (const report of reports)
      t.ok(
        items.some((item) => item.startsWith(titles.get(report.report_id)!)),
        report.report_id,
      );

    await page.goto(`${origin}/agencies/no-such-agency`);
    await page.getByRole('alert').waitFor();
    t.match(await page.getByRole('alert').textContent(), /Could not load this agency: no agency/);
    t.same(browser.outside, []);
    t.same(
      browser.errors.filter((error) => !/status of 404/.test(error)),
      [],
      "no console error but the unknown agency's 404",
    );
  },
);
