// The other resources over the scripted history: agencies, states, counties,
// models, reports, lists, the changes feed, stats and the time series.
import t from 'tap';
import { testApp } from '../../helpers/app.ts';
import { SEED_FACTS, seedHistory } from '../../helpers/fixtures.ts';
import { AgencyListResponseSchema, AgencyResponseSchema, AgencySchema } from '../../../src/schemas/agencies.ts';
import {
  CountyListResponseSchema,
  CountyResponseSchema,
  StateListResponseSchema,
  StateResponseSchema,
} from '../../../src/schemas/geography.ts';
import { ChangeListResponseSchema, SourceListListResponseSchema } from '../../../src/schemas/history.ts';
import {
  ModelListResponseSchema,
  ReportListResponseSchema,
  ReportResponseSchema,
} from '../../../src/schemas/reference.ts';
import { StatsResponseSchema, TimeseriesResponseSchema } from '../../../src/schemas/stats.ts';
import type { z } from 'zod';

t.test('resources', async (t) => {
  const { app, database } = await testApp(t);
  await seedHistory(database.pool);
  await app.dataset.refresh();

  async function get<T = any>(url: string, schema?: z.ZodType): Promise<T> {
    const response = await app.inject(url);
    if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
    const body = response.json();
    if (schema) {
      const parsed = schema.safeParse(body);
      if (!parsed.success) throw new Error(`${url} does not match its OpenAPI schema: ${parsed.error.message}`);
    }
    return body;
  }
  const agencyIds = async (url: string) =>
    ((await get(url, AgencyListResponseSchema)).data as { id: string }[]).map((agency) => agency.id).sort();

  t.test('agencies', async (t) => {
    const all = await get('/v1/agencies?limit=1000', AgencyListResponseSchema);
    t.equal(all.data.length, SEED_FACTS.agencyCount);
    t.same(Object.keys(all.data[0]).sort(), Object.keys(AgencySchema.shape).sort(), 'no undocumented field');
    t.same(await agencyIds('/v1/agencies?state=TX'), [
      'tx-galveston-county-sheriffs-office',
      'tx-houston-police-department',
      'tx-lubbock-county-sheriffs-office',
    ]);
    t.same(
      await agencyIds('/v1/agencies?status=active'),
      [
        'fl-collier-county-sheriffs-office',
        'fl-florida-highway-patrol',
        'tx-houston-police-department',
        'tx-lubbock-county-sheriffs-office',
      ],
      'agencies holding an active agreement',
    );
    t.same(
      await agencyIds('/v1/agencies?status=active&as_of=2025-03-15'),
      [
        'fl-collier-county-sheriffs-office',
        'fl-florida-highway-patrol',
        'tx-galveston-county-sheriffs-office',
        'tx-houston-police-department',
      ],
      'on an earlier date',
    );
    t.same(await agencyIds('/v1/agencies?status=pending'), ['ga-cobb-county-sheriffs-office']);
    t.same(await agencyIds('/v1/agencies?model=jail_enforcement&status=active'), ['fl-collier-county-sheriffs-office']);
    t.same(await agencyIds(`/v1/agencies?county_fips=${SEED_FACTS.harrisCountyFips}`), [
      'tx-houston-police-department',
    ]);
    t.same(await agencyIds('/v1/agencies?agency_type=state_agency'), ['fl-florida-highway-patrol']);
    t.same(await agencyIds('/v1/agencies?q=houston%20police'), ['tx-houston-police-department'], 'q');
    t.same(
      await agencyIds('/v1/agencies?signed_from=2025-03-16'),
      ['tx-lubbock-county-sheriffs-office'],
      'signed_from',
    );
    const asOf = (await get('/v1/agencies?as_of=2025-03-15&state=TX')).data as {
      id: string;
      active_agreements: number;
      pending_agreements: number;
    }[];
    t.equal(
      asOf.find((agency) => agency.id === 'tx-galveston-county-sheriffs-office')!.active_agreements,
      1,
      'counts on as_of',
    );
    t.equal(asOf.find((agency) => agency.id === 'tx-lubbock-county-sheriffs-office')!.pending_agreements, 1);

    const seen: string[] = [];
    for (let url: string | null = '/v1/agencies?limit=4&sort=-name'; url; ) {
      const page: { data: { id: string }[]; links: { next: string | null } } = await get(url);
      seen.push(...page.data.map((agency: { id: string }) => agency.id));
      url = page.links.next;
    }
    t.same(
      [...seen].sort(),
      all.data.map((agency: { id: string }) => agency.id).sort(),
      'pagination: every agency once',
    );

    const houston = await get('/v1/agencies/tx-houston-police-department', AgencyResponseSchema);
    const aliases = houston.data.aliases.map((alias: { name: string }) => alias.name).sort();
    t.same(
      aliases,
      ['City of Houston Police Department', 'Houston Police Department'],
      'every spelling the lists used',
    );
    t.ok(aliases.includes(houston.data.name), 'its name is one of them');
    t.equal(houston.data.agreements.length, 1);
    t.equal(houston.data.county_fips, SEED_FACTS.harrisCountyFips);
    const collierThen = await get('/v1/agencies/fl-collier-county-sheriffs-office?as_of=2025-03-15');
    t.same(
      collierThen.data.agreements.map((a: { status: string }) => a.status).sort(),
      ['active', 'active'],
      'as_of: its agreements then',
    );
    t.equal((await app.inject('/v1/agencies/nope')).statusCode, 404);
  });

  t.test('states', async (t) => {
    const states = await get('/v1/states', StateListResponseSchema);
    const fl = states.data.find((state: { code: string }) => state.code === 'FL');
    t.equal(fl.active_agreements, SEED_FACTS.activeByState.FL);
    t.equal(fl.fips, '12');
    t.ok(
      states.data.some((state: { code: string; is_territory: boolean }) => state.code === 'GU' && state.is_territory),
      'territories too',
    );
    for (const code of ['TX', 'tx', 'Texas', '48', 'texas']) {
      const texas = await get(`/v1/states/${encodeURIComponent(code)}`, StateResponseSchema);
      t.equal(texas.data.code, 'TX', `${code} finds Texas`);
    }
    const texas = await get('/v1/states/TX');
    t.equal(texas.data.active_agreements, SEED_FACTS.activeByState.TX);
    t.same(
      texas.data.counties.map((county: { fips: string }) => county.fips).sort(),
      ['48167', '48201', '48303'],
      'its counties with agreements',
    );
    const texasThen = await get('/v1/states/TX?as_of=2025-03-15');
    t.equal(texasThen.data.active_agreements, 2, 'as_of: Galveston and Houston');
    t.equal(texasThen.data.pending_agreements, 1, 'and Lubbock pending');
    t.equal(
      (await get('/v1/states?as_of=2025-01-01')).data.every(
        (state: { active_agreements: number }) => state.active_agreements === 0,
      ),
      true,
      'before any list',
    );
  });

  t.test('counties', async (t) => {
    const counties = await get('/v1/counties', CountyListResponseSchema);
    t.same(
      counties.data.map((county: { fips: string }) => county.fips),
      ['12021', '13067', '48167', '48201', '48303'],
      'counties with agreements, by FIPS',
    );
    t.same(
      (await get('/v1/counties?state=GA')).data.map((county: { fips: string }) => county.fips),
      ['13067'],
    );
    const harris = await get(`/v1/counties/${SEED_FACTS.harrisCountyFips}`, CountyResponseSchema);
    t.equal(harris.data.name, 'Harris County');
    t.same(
      harris.data.agencies.map((agency: { id: string }) => agency.id),
      ['tx-houston-police-department'],
    );
    const quiet = await get('/v1/counties/01001');
    t.equal(quiet.data.active_agreements, 0, 'a county with no agreement has a zero summary');
    t.same(quiet.data.agencies, []);
  });

  t.test('models and reports', async (t) => {
    const models = await get('/v1/models', ModelListResponseSchema);
    const byCode = new Map(models.data.map((model: { code: string }) => [model.code, model]));
    t.equal(
      (byCode.get('task_force') as { active_agreements: number }).active_agreements,
      SEED_FACTS.activeByModel.task_force,
    );
    t.equal(
      (byCode.get('jail_enforcement') as { active_agreements: number }).active_agreements,
      SEED_FACTS.activeByModel.jail_enforcement,
    );
    const then = await get('/v1/models?as_of=2025-03-15');
    t.equal(
      then.data.find((model: { code: string }) => model.code === 'warrant_service_officer').active_agreements,
      1,
      "as_of: Galveston's WSO",
    );
    const reports = await get('/v1/reports', ReportListResponseSchema);
    t.ok(reports.data.length >= 10, 'the oversight reports');
    const report = await get(`/v1/reports/${reports.data[0].id}`, ReportResponseSchema);
    t.equal(report.data.id, reports.data[0].id);
    t.ok(Array.isArray(report.data.recommendations));
    t.equal((await app.inject('/v1/reports/NOPE')).statusCode, 404);
  });

  t.test('lists', async (t) => {
    const lists = await get('/v1/lists', SourceListListResponseSchema);
    t.equal(lists.data.length, 5);
    t.equal(lists.data[0].list_date, SEED_FACTS.latestListDate, 'newest first');
    t.ok(lists.data.every((list: { status: string }) => list.status === 'applied'));
    t.equal(
      lists.data.find((list: { counts: { renewed: number } | null }) => list.counts?.renewed === 1)?.list_date,
      '2025-04-01',
      'counts of the changes a list made',
    );
    t.equal((await get('/v1/lists?kind=pending')).data.length, 2);
    t.equal((await get('/v1/lists?status=quarantined')).data.length, 0);
  });

  t.test('changes', async (t) => {
    const all: { id: number; type: string; recorded_on: string; state: string }[] = [];
    for (let url: string | null = '/v1/changes?limit=4'; url; ) {
      const page: { data: typeof all; links: { next: string | null } } = await get(url, ChangeListResponseSchema);
      all.push(...page.data);
      url = page.links.next;
    }
    t.ok(all.length > 8, `${all.length} events`);
    t.same(
      all.map((change) => change.id),
      [...all.map((change) => change.id)].sort((a, b) => b - a),
      'newest first, walked without gaps',
    );
    t.equal(new Set(all.map((change) => change.id)).size, all.length, 'no duplicates');
    const recent = (await get('/v1/changes?since=2025-04-01&limit=1000')).data as typeof all;
    t.ok(recent.length > 0 && recent.every((change) => change.recorded_on >= '2025-04-01'), 'since= keeps later lists');
    t.same(
      recent.map((change) => change.id),
      all.filter((change) => change.recorded_on >= '2025-04-01').map((change) => change.id),
    );
    const ended = (await get('/v1/changes?type=ended&limit=1000')).data as typeof all;
    t.same(
      ended.map((change) => change.type),
      ['ended', 'ended'],
      "the renewal's predecessor and Galveston",
    );
    const texas = (await get('/v1/changes?state=TX&limit=1000')).data as { state: string }[];
    t.ok(texas.length > 0, `${texas.length} Texas events`);
    t.ok(
      texas.every((change) => change.state === 'TX'),
      'state= keeps Texas only',
    );
    const signed = (await get('/v1/changes?type=signed&state=TX&since=2025-04-01')).data as ((typeof all)[number] & {
      details: unknown;
      agreement_id: string;
    })[];
    t.same(
      signed.map((change) => change.agreement_id),
      ['tx-lubbock-county-sheriffs-office--tfm-applied-2025-03-01'],
      'type, state and since combine',
    );
    t.same(signed[0]!.details, { from_status: 'pending' }, 'with the event details');
  });

  t.test('stats', async (t) => {
    const now = await get('/v1/stats', StatsResponseSchema);
    t.equal(now.as_of, SEED_FACTS.latestListDate);
    t.equal(now.active_agreements, SEED_FACTS.asOf['2025-05-15'].active);
    t.equal(now.pending_agreements, SEED_FACTS.asOf['2025-05-15'].pending);
    t.same(now.by_state, SEED_FACTS.activeByState);
    t.same(now.by_model, SEED_FACTS.activeByModel);
    for (const [day, expected] of Object.entries(SEED_FACTS.asOf)) {
      const stats = await get(`/v1/stats?as_of=${day}`);
      t.equal(stats.as_of, day);
      t.equal(stats.meta.as_of, day);
      t.same(
        { active: stats.active_agreements, pending: stats.pending_agreements, ended: stats.ended_agreements },
        expected,
        `counts on ${day}`,
      );
    }
    const texas = await get('/v1/stats?state=TX&as_of=2025-03-15');
    t.same(texas.by_state, { TX: 2 }, 'filters narrow the counts');
    t.equal(texas.by_model.warrant_service_officer, 1);
    t.equal((await get('/v1/stats?model=jail_enforcement')).active_agreements, 1);
  });

  t.test('time series', async (t) => {
    const monthly = await get('/v1/stats/timeseries', TimeseriesResponseSchema);
    t.same(
      monthly.data.map((point: { date: string }) => point.date),
      ['2025-03-31', '2025-04-30', '2025-05-01'],
      'month ends, then the latest list',
    );
    t.same(
      monthly.data.map((point: { active_agreements: number }) => point.active_agreements),
      [5, 5, 5],
    );
    t.same(
      monthly.data.map((point: { pending_agreements: number }) => point.pending_agreements),
      [2, 1, 1],
    );
    const daily = await get('/v1/stats/timeseries?interval=day');
    t.equal(daily.data.length, 62, 'every day from 2025-03-01 to 2025-05-01');
    t.equal(
      daily.data.find((point: { date: string }) => point.date === '2025-03-15').pending_agreements,
      SEED_FACTS.asOf['2025-03-15'].pending,
      'agrees with /v1/stats?as_of',
    );
    const weekly = await get('/v1/stats/timeseries?interval=week');
    t.ok(weekly.data.length >= 9 && weekly.data.length <= 10);
    const texas = await get('/v1/stats/timeseries?state=TX&interval=month');
    t.same(
      texas.data.map((point: { active_agreements: number }) => point.active_agreements),
      [2, 2, 2],
      'per state: Galveston then Lubbock',
    );
    t.same(
      texas.data.map((point: { pending_agreements: number }) => point.pending_agreements),
      [1, 0, 0],
    );
    const wso = await get('/v1/stats/timeseries?model=warrant_service_officer');
    t.same(
      wso.data.map((point: { active_agreements: number }) => point.active_agreements),
      [1, 0, 0],
      'per model',
    );
  });
});
