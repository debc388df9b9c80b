// examples/map-builder.html as a map builder uses it: copied to a site of their own (here a second local origin,
// so the API is reached across origins with CORS), drawing the API's GeoJSON with Leaflet in Chromium.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname } from 'node:path';
import t, { type Test } from 'tap';
import { testApp } from '../helpers/app.ts';
import { launchBrowser, listen, screenshot, skipWithoutBrowser } from '../helpers/browser.ts';
import { SEED_FACTS, seedHistory } from '../helpers/fixtures.ts';

const ROOT = new URL('../../', import.meta.url);
// The files the page's own site serves: the page and Leaflet from node_modules, nothing else.
const SITE_FILES = /^\/(examples\/map-builder\.html|node_modules\/leaflet\/dist\/leaflet\.(js|css))$/;
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

/** A static site on another port: what a map builder's own server would be. */
async function pageSite(t: Test): Promise<string> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://site').pathname;
    if (!SITE_FILES.test(path)) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': TYPES[extname(path)]! }).end(readFileSync(new URL(`.${path}`, ROOT)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address() as { port: number };
  return `http://127.0.0.1:${address.port}`;
}

t.test(
  'the map-builder example draws the county and agency GeoJSON from another origin',
  { skip: skipWithoutBrowser() },
  async (t) => {
    const { app, database } = await testApp(t);
    await seedHistory(database.pool);
    const api = await listen(app);
    const site = await pageSite(t);
    const browser = await launchBrowser(t, [api, site]);
    const page = await browser.newPage();

    await page.goto(`${site}/examples/map-builder.html?api=${encodeURIComponent(api)}&as_of=2025-04-15`);
    await page
      .locator('#status')
      .getByText(/dataset version/)
      .waitFor();
    const counties = (await app.inject('/v1/counties.geojson?as_of=2025-04-15')).json();
    const agencies = (await app.inject('/v1/agencies.geojson?as_of=2025-04-15&status=active')).json();
    t.equal(
      await page.locator('path.county').count(),
      counties.features.length,
      'one polygon per county of /v1/counties.geojson',
    );
    t.equal(
      await page.locator('path.agency').count(),
      agencies.features.filter((feature: { geometry: unknown }) => feature.geometry).length,
      'one point per agency',
    );
    t.equal(
      agencies.features.length,
      SEED_FACTS.asOf['2025-04-15'].active - 1,
      'Collier holds two of the active agreements',
    );

    // Counties are drawn from the API's polygons: Collier's opens its popup with the API's counts.
    const collier = counties.features.find((feature: { id: string }) => feature.id === SEED_FACTS.collierCountyFips);
    const index = counties.features.indexOf(collier);
    // (The agency's point sits on the county's centroid, above it: the click goes to the polygon's own element.)
    await page.locator('path.county').nth(index).dispatchEvent('click');
    const popup = page.locator('.leaflet-popup-content');
    await popup.getByText('Collier County, FL').waitFor();
    t.equal(
      await popup.textContent(),
      `Collier County, FL${collier.properties.active_agreements} active, ${collier.properties.pending_agreements} pending agreements`,
    );
    t.equal(collier.properties.active_agreements, 2);
    // And the agency's point. (Its click is dispatched on the element too: a pointer click may land while the map is
    // still panning to the county's popup, which Leaflet ignores, on a busy machine.)
    const collierSo = agencies.features
      .filter((feature: { geometry: unknown }) => feature.geometry)
      .findIndex((feature: { id: string }) => feature.id === 'fl-collier-county-sheriffs-office');
    await page.locator('path.agency').nth(collierSo).dispatchEvent('click');
    const agencyPopup = popup.filter({ hasText: "Collier County Sheriff's Office" });
    await agencyPopup.waitFor();
    t.equal(await agencyPopup.textContent(), "Collier County Sheriff's Officeactive: jail_enforcement, task_force");
    await screenshot(page, 'map-builder-1280x800');

    // A filter the page passes on, and a bad one reported as the API words it.
    await page.goto(`${site}/examples/map-builder.html?api=${encodeURIComponent(api)}&state=TX`);
    await page
      .locator('#status')
      .getByText(/dataset version/)
      .waitFor();
    t.equal(
      await page.locator('path.county').count(),
      (await app.inject('/v1/counties.geojson?state=TX')).json().features.length,
    );
    await page.goto(`${site}/examples/map-builder.html?api=${encodeURIComponent(api)}&as_of=yesterday`);
    await page
      .locator('#status')
      .getByText(/Could not draw the map/)
      .waitFor();
    t.match(await page.locator('#status').textContent(), /as_of/);

    t.same(browser.outside, [], "no request beyond the API and the page's own site");
    // The bad date's 400 is the one console error expected (Chromium logs failed fetches).
    t.same(
      browser.errors.filter((error) => !/status of 400/.test(error)),
      [],
    );
  },
);
