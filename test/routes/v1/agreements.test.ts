// /v1/agreements over a scripted history (test/helpers/fixtures.ts): every
// filter, as_of across a renewal and an ending, keyset pagination walked to
// the end, and the detail route.
import t from 'tap';
import { testApp } from '../../helpers/app.ts';
import { SEED_FACTS, seedHistory } from '../../helpers/fixtures.ts';
import {
  AgreementListResponseSchema,
  AgreementResponseSchema,
  AgreementSchema,
} from '../../../src/schemas/agreements.ts';

interface Agreement {
  id: string;
  agency_id: string;
  agency_name: string;
  state: string;
  county_fips: string | null;
  model: string;
  status: string;
  signed_on: string | null;
  ended_on: string | null;
  supersedes_id: string | null;
  [field: string]: unknown;
}

const COLLIER_OLD_TFM = 'fl-collier-county-sheriffs-office--tfm-2025-02-20';
const COLLIER_NEW_TFM = 'fl-collier-county-sheriffs-office--tfm-2025-03-15';
const GALVESTON = 'tx-galveston-county-sheriffs-office--wso-2024-05-01';
const LUBBOCK = 'tx-lubbock-county-sheriffs-office--tfm-applied-2025-03-01';

t.test('agreements', async (t) => {
  const { app, database } = await testApp(t);
  await seedHistory(database.pool);
  await app.dataset.refresh();

  async function get(
    url: string,
  ): Promise<{ data: Agreement[]; links: { next: string | null }; meta: Record<string, unknown> }> {
    const response = await app.inject(url);
    t.equal(response.statusCode, 200, `${url} answers 200: ${response.body.slice(0, 200)}`);
    return response.json();
  }
  const ids = async (url: string) => (await get(url)).data.map((agreement) => agreement.id).sort();

  const all = await get('/v1/agreements?limit=1000');
  t.equal(all.data.length, SEED_FACTS.agreementCount, 'every agreement, of every status, without filters');

  t.test('the documented shape, exactly', async (t) => {
    t.ok(AgreementListResponseSchema.safeParse(all).success, 'the page parses with the OpenAPI schema');
    const fields = Object.keys(AgreementSchema.shape).sort();
    for (const agreement of all.data)
      t.same(Object.keys(agreement).sort(), fields, `${agreement.id}: no undocumented field`);
    t.same(all.meta, { dataset_version: app.dataset.current().version, as_of: SEED_FACTS.latestListDate });
    t.equal(all.links.next, null);
    for (const agreement of all.data) {
      if (agreement.county_fips !== null)
        t.match(agreement.county_fips, /^\d{5}$/, 'county FIPS is a zero-padded string');
    }
  });

  t.test('filters', async (t) => {
    const fl = await ids('/v1/agreements?state=FL');
    t.same(await ids('/v1/agreements?state=florida'), fl, 'state by name');
    t.same(await ids('/v1/agreements?state=12'), fl, 'state by FIPS');
    t.ok(
      fl.length > 0 && all.data.filter((a) => a.state === 'FL').length === fl.length,
      'state=FL is every Florida agreement',
    );
    const flTx = await ids('/v1/agreements?state=FL&state=TX');
    t.same(await ids('/v1/agreements?state=FL,TX'), flTx, 'repeated and comma-separated states agree');
    t.equal(flTx.length, all.data.filter((a) => a.state === 'FL' || a.state === 'TX').length);

    const collier = await get(`/v1/agreements?county_fips=${SEED_FACTS.collierCountyFips}`);
    t.ok(
      collier.data.length === 3 && collier.data.every((a) => a.county_fips === SEED_FACTS.collierCountyFips),
      'county_fips',
    );

    const taskForce = await get('/v1/agreements?model=task_force');
    t.ok(taskForce.data.length > 0 && taskForce.data.every((a) => a.model === 'task_force'), 'model');

    const active = await get('/v1/agreements?status=active');
    t.equal(active.data.length, SEED_FACTS.asOf['2025-05-15'].active, 'status=active: the active count');
    const endedOrPending = await get('/v1/agreements?status=ended,pending');
    t.equal(
      endedOrPending.data.length,
      SEED_FACTS.agreementCount - SEED_FACTS.asOf['2025-05-15'].active,
      'status, several',
    );

    const police = await get('/v1/agreements?agency_type=police_department');
    t.same(
      police.data.map((a) => a.agency_id),
      ['tx-houston-police-department'],
      'agency_type',
    );
    const state = await get('/v1/agreements?agency_type=state_agency');
    t.same(
      state.data.map((a) => a.agency_id),
      ['fl-florida-highway-patrol'],
    );

    const signed = await get('/v1/agreements?signed_from=2025-03-01&signed_to=2025-03-31');
    t.same(
      signed.data.map((a) => a.signed_on).sort(),
      ['2025-03-15', '2025-03-20'],
      'signed_from and signed_to, inclusive',
    );
    t.same(
      (await get('/v1/agreements?signed_from=2025-03-15&signed_to=2025-03-15')).data.map((a) => a.id),
      [COLLIER_NEW_TFM],
      'one day',
    );

    t.same(
      (await get('/v1/agreements?q=galveston')).data.map((a) => a.id),
      [GALVESTON],
      'q: case-insensitive name search',
    );
    const houston = await get('/v1/agreements?q=City%20of%20Houston');
    t.same(
      houston.data.map((a) => a.agency_id),
      ['tx-houston-police-department'],
      'q matches every spelling a list used for the agency',
    );
    t.same((await get('/v1/agreements?q=100%25')).data, [], 'q treats % literally');

    t.equal(
      (await get('/v1/agreements?updated_since=2000-01-01')).data.length,
      SEED_FACTS.agreementCount,
      'updated_since in the past: all',
    );
    t.same(
      (await get('/v1/agreements?updated_since=2999-01-01T00:00:00Z')).data,
      [],
      'updated_since in the future: none',
    );

    const combined = await get('/v1/agreements?state=TX&model=task_force&status=active');
    t.same(
      combined.data.map((a) => a.agency_id).sort(),
      ['tx-houston-police-department', 'tx-lubbock-county-sheriffs-office'],
      'filters combine with AND',
    );
  });

  t.test('as_of across a renewal, an ending and a promotion', async (t) => {
    const before = await get('/v1/agreements?as_of=2025-03-15&limit=1000');
    const byId = new Map(before.data.map((a) => [a.id, a]));
    t.equal(before.meta.as_of, '2025-03-15');
    t.equal(byId.get(COLLIER_OLD_TFM)?.status, 'active', 'before the renewal the first Collier agreement is active');
    t.notOk(byId.has(COLLIER_NEW_TFM), 'and its successor does not exist yet');
    t.equal(byId.get(GALVESTON)?.status, 'active', 'Galveston is active before it ends');
    t.equal(byId.get(GALVESTON)?.ended_on, null, 'with no end date yet');
    t.equal(byId.get(LUBBOCK)?.status, 'pending', 'Lubbock is pending before it signs');
    const counts = (data: Agreement[], status: string) => data.filter((a) => a.status === status).length;
    t.equal(counts(before.data, 'active'), SEED_FACTS.asOf['2025-03-15'].active);
    t.equal(counts(before.data, 'pending'), SEED_FACTS.asOf['2025-03-15'].pending);

    const after = await get('/v1/agreements?as_of=2025-04-15&limit=1000');
    const afterById = new Map(after.data.map((a) => [a.id, a]));
    t.equal(afterById.get(COLLIER_OLD_TFM)?.status, 'ended', 'after the renewal the first agreement has ended');
    t.equal(afterById.get(COLLIER_NEW_TFM)?.status, 'active', 'and the renewal is active');
    t.equal(afterById.get(COLLIER_NEW_TFM)?.supersedes_id, COLLIER_OLD_TFM);
    t.equal(afterById.get(GALVESTON)?.status, 'ended', 'Galveston has ended');
    t.equal(afterById.get(GALVESTON)?.ended_on, '2025-04-01', 'on the date of the first list without it');
    t.equal(afterById.get(LUBBOCK)?.status, 'active', 'Lubbock was promoted from pending to active');
    t.equal(counts(after.data, 'active'), SEED_FACTS.asOf['2025-04-15'].active);
    t.equal(counts(after.data, 'ended'), SEED_FACTS.asOf['2025-04-15'].ended);

    t.same(
      (await ids('/v1/agreements?as_of=2025-03-15&status=active')).length,
      SEED_FACTS.asOf['2025-03-15'].active,
      'status filters on the status as of that date',
    );
    t.same(await ids('/v1/agreements?as_of=2025-04-15&status=ended'), [COLLIER_OLD_TFM, GALVESTON].sort());
    t.same((await get('/v1/agreements?as_of=2025-01-01')).data, [], 'before the first list: nothing');
    t.equal((await get('/v1/agreements?as_of=2025-03-01&status=active')).data.length, 5, 'on a list date: that list');
  });

  t.test('pagination walks every agreement once, for several sorts', async (t) => {
    for (const sort of ['id', '-signed_on', 'agency_name', '-state', 'ended_on']) {
      const seen: Agreement[] = [];
      let url: string | null = `/v1/agreements?limit=3&sort=${sort}`;
      let pages = 0;
      while (url) {
        const response = await app.inject(url);
        t.equal(response.statusCode, 200, `${url}`);
        const page = response.json() as { data: Agreement[]; links: { next: string | null } };
        seen.push(...page.data);
        if (page.links.next)
          t.equal(response.headers.link, `<${page.links.next}>; rel="next"`, 'Link header carries the next page');
        else t.notOk(response.headers.link, 'no Link header on the last page');
        url = page.links.next;
        if (++pages > 10) throw new Error('pagination does not end');
      }
      t.equal(pages, 3, `sort=${sort}: 8 agreements in pages of 3`);
      const seenIds = seen.map((a) => a.id);
      t.equal(new Set(seenIds).size, seenIds.length, `sort=${sort}: no duplicates`);
      t.same([...seenIds].sort(), all.data.map((a) => a.id).sort(), `sort=${sort}: no gaps`);
      const field = sort.replace(/^-/, '');
      const key = (a: Agreement) => String(field === 'agency_name' ? a.agency_name : (a[field] ?? '0001-01-01'));
      for (let i = 1; i < seen.length; i++) {
        const [previous, current] = [seen[i - 1]!, seen[i]!];
        const order = key(previous).localeCompare(key(current), 'en', { sensitivity: 'variant' });
        if (sort.startsWith('-')) t.ok(key(previous) >= key(current), `sort=${sort} descending at ${i}`);
        else t.ok(key(previous) <= key(current) || order <= 0, `sort=${sort} ascending at ${i}`);
      }
    }
    // Sorted by id, a cursor names the id once; one issued before, naming it twice, still leads to the same page.
    const firstPage = await get('/v1/agreements?limit=3');
    const next = firstPage.links.next!;
    const cursor = new URL(next, 'http://x').searchParams.get('cursor')!;
    const lastId = firstPage.data.at(-1)!.id;
    t.same(JSON.parse(Buffer.from(cursor, 'base64url').toString()), ['id', lastId], 'the id once');
    const issuedBefore = Buffer.from(JSON.stringify(['id', lastId, lastId])).toString('base64url');
    t.same(
      (await get(`/v1/agreements?limit=3&cursor=${issuedBefore}`)).data,
      (await get(next)).data,
      'a cursor of the earlier form gives the same next page',
    );
    const filtered = await get('/v1/agreements?state=TX&limit=1');
    t.match(filtered.links.next, /state=TX/, 'the next link keeps the filters');
    t.match(filtered.links.next, /limit=1/);
    const totals = await get('/v1/agreements?include_total=true&limit=2&status=active');
    t.equal(totals.meta.total_count, SEED_FACTS.asOf['2025-05-15'].active, 'include_total counts every page');
    t.equal((await get('/v1/agreements')).meta.total_count, undefined, 'total only on request');
  });

  t.test('one agreement with its events and sources', async (t) => {
    const response = await app.inject(`/v1/agreements/${COLLIER_NEW_TFM}`);
    t.equal(response.statusCode, 200);
    const body = response.json();
    t.ok(AgreementResponseSchema.safeParse(body).success, 'parses with the OpenAPI schema');
    t.equal(body.data.id, COLLIER_NEW_TFM);
    t.equal(body.data.supersedes_id, COLLIER_OLD_TFM);
    t.ok(
      body.data.events.some((event: { type: string }) => event.type === 'renewed'),
      'its renewal event',
    );
    t.ok(body.data.sources.length > 0, 'the lists it came from');
    const old = (await app.inject(`/v1/agreements/${COLLIER_OLD_TFM}`)).json();
    t.equal(old.data.superseded_by_id, COLLIER_NEW_TFM, 'the old agreement points to its successor');
    const asOf = (await app.inject(`/v1/agreements/${COLLIER_OLD_TFM}?as_of=2025-03-15`)).json();
    t.equal(asOf.data.status, 'active', 'as_of on the detail route');
    t.equal(asOf.data.ended_on, null);

    const missing = await app.inject('/v1/agreements/no-such-agreement');
    t.equal(missing.statusCode, 404);
    t.equal(missing.headers['content-type'], 'application/problem+json; charset=utf-8');
    t.equal(missing.json().status, 404);
    t.equal(
      (await app.inject(`/v1/agreements/${COLLIER_NEW_TFM}?as_of=2025-03-01`)).statusCode,
      404,
      'not yet existing on as_of: 404',
    );
  });
});
