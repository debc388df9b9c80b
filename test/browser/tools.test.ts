// GraphiQL and the OpenAPI browser work with every request outside the service blocked: their libraries come
// from npm packages the service serves, not from a CDN.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { testApp } from '../helpers/app.ts';
import { launchBrowser, listen, skipWithoutBrowser } from '../helpers/browser.ts';
import { SEED_FACTS, seedHistory } from '../helpers/fixtures.ts';

const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

t.test('GraphiQL and /docs work offline', { skip: skipWithoutBrowser() }, async (t) => {
  const { app, database } = await testApp(t);
  await seedHistory(database.pool);
  const origin = await listen(app);
  const browser = await launchBrowser(t, [origin]);
  const page = await browser.newPage();

  t.test('a query typed into GraphiQL returns data', async (t) => {
    await page.goto(`${origin}/graphiql`);
    const editor = page.locator('.graphiql-query-editor .CodeMirror');
    await editor.waitFor();
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    // insertText types the text as one input, so the editor's bracket auto-closing does not double the braces.
    // Not the page's example query (Florida's agreements now): every active agreement on a past date.
    await page.keyboard.insertText('{ agreements(asOf: "2025-03-15", filter: { status: [ACTIVE] }) { totalCount } }');
    await page.locator('.graphiql-execute-button').click();
    const result = page.locator('.result-window');
    await result.getByText('totalCount').waitFor();
    const text = (await result.textContent()) ?? '';
    t.match(
      text.replace(/\s+/g, ''),
      `"totalCount":${SEED_FACTS.asOf['2025-03-15'].active}`,
      'the active agreements on that date',
    );
  });

  t.test('/docs shows the API, with the version of package.json', async (t) => {
    await page.goto(`${origin}/docs`);
    await page.locator('.swagger-ui .info .title').getByText('287(g) agreements API').waitFor();
    t.match(await page.locator('.swagger-ui .info .title').textContent(), PACKAGE_VERSION);
    await page.locator('.opblock').first().waitFor();
    t.ok((await page.locator('.opblock').count()) > 10, 'the operations are listed');
  });

  t.test('no console error and no request outside the service', async (t) => {
    t.same(browser.outside, []);
    t.same(browser.errors, []);
  });
});
