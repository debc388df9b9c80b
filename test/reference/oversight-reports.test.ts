import t from 'tap';
import { loadOversightReports, validateOversightReports } from '../../src/reference/oversight-reports.ts';
import type { OversightReport } from '../../src/reference/oversight-reports.ts';
import { SUPPORT_MODELS } from '../../src/reference/support-models.ts';

const reports = loadOversightReports();
const byId = new Map(reports.map((report) => [report.id, report]));

/** A fresh copy to break without touching the shipped data. */
const copy = (): OversightReport[] => structuredClone(reports);

t.test('the shipped file validates and holds every report the project cites', async (t) => {
  t.same(reports.map((report) => report.id).sort(), [
    'DOJ-CRT-ALAMANCE-2012',
    'DOJ-CRT-MARICOPA-2011',
    'GAO-09-109',
    'GAO-21-186',
    'OIG-10-124',
    'OIG-10-63',
    'OIG-11-119',
    'OIG-12-130',
    'OIG-13-116',
    'OIG-18-77',
  ]);
  for (const report of reports) {
    t.ok(report.sources.length > 0, `${report.id} cites a source`);
    t.ok(report.publishedOn, `${report.id} has a date`);
  }
});

t.test('OIG-18-77: the 2017–2018 expansion', async (t) => {
  const report = byId.get('OIG-18-77')!;
  t.equal(report.issuer, 'DHS OIG');
  t.equal(report.publishedOn, '2018-09-19');
  t.match(report.title, /Lack of Planning Hinders Effective Oversight/);
  t.match(report.summary, /36 to 76/);
  t.match(report.summary, /20 program managers/);
  t.match(report.summary, /200 days/);
  t.match(report.summary, /refresher training/);
  t.match(report.url, /^https:\/\/www\.oig\.dhs\.gov\//);
});

t.test('GAO-21-186: three recommendations, published and released on different days', async (t) => {
  const report = byId.get('GAO-21-186')!;
  t.equal(report.issuer, 'GAO');
  t.equal(report.publishedOn, '2021-01-27');
  t.equal(report.releasedOn, '2021-02-26');
  t.equal(report.recommendationCount, 3);
  t.same(
    report.recommendations.map((item) => item.number),
    [1, 2, 3],
  );
  t.match(report.summary, /35 agreements/);
  t.match(report.summary, /about 150/);
  t.same(report.models, ['jail_enforcement', 'warrant_service_officer']);
  t.equal(report.url, 'https://www.gao.gov/products/gao-21-186');
});

t.test('DOJ letters name the one agency each examined', async (t) => {
  t.same(byId.get('DOJ-CRT-MARICOPA-2011')!.agencies, [{ name: "Maricopa County Sheriff's Office", stateCode: 'AZ' }]);
  t.same(byId.get('DOJ-CRT-ALAMANCE-2012')!.agencies, [{ name: "Alamance County Sheriff's Office", stateCode: 'NC' }]);
  t.equal(byId.get('DOJ-CRT-MARICOPA-2011')!.publishedOn, '2011-12-15');
  t.equal(byId.get('DOJ-CRT-ALAMANCE-2012')!.publishedOn, '2012-09-18');
});

t.test('every model a report names is a support model the project knows', async (t) => {
  const known = new Set(SUPPORT_MODELS.map((model) => model.code));
  for (const report of reports) {
    for (const model of report.models) t.ok(known.has(model), `${report.id}: ${model}`);
  }
});

t.test('broken copies are rejected with a message naming the report and the problem', async (t) => {
  const duplicate = copy();
  duplicate[1]!.id = duplicate[0]!.id;
  t.throws(() => validateOversightReports(duplicate), {
    message: /GAO-09-109 \(record 2\): id is a duplicate: record 1/,
  });

  const badDate = copy();
  badDate.find((report) => report.id === 'OIG-18-77')!.publishedOn = '2018-02-30';
  t.throws(() => validateOversightReports(badDate), { message: /OIG-18-77.*publishedOn is not a real calendar date/ });

  const notIso = copy();
  notIso.find((report) => report.id === 'OIG-18-77')!.publishedOn = '09/19/2018';
  t.throws(() => validateOversightReports(notIso), {
    message: /OIG-18-77.*publishedOn must be a date written YYYY-MM-DD/,
  });

  const lowCount = copy();
  lowCount.find((report) => report.id === 'GAO-21-186')!.recommendationCount = 2;
  t.throws(() => validateOversightReports(lowCount), {
    message: /GAO-21-186.*recommendationCount is 2 but 3 recommendations are listed/,
  });

  const gap = copy();
  gap.find((report) => report.id === 'GAO-21-186')!.recommendations[2]!.number = 4;
  t.throws(() => validateOversightReports(gap), { message: /GAO-21-186.*recommendations must be numbered 1\.\.3/ });

  const backwards = copy();
  backwards.find((report) => report.id === 'GAO-21-186')!.releasedOn = '2020-12-31';
  t.throws(() => validateOversightReports(backwards), {
    message: /GAO-21-186.*releasedOn 2020-12-31 is before publishedOn/,
  });

  const plainHttp = copy();
  plainHttp[0]!.url = 'http://www.gao.gov/products/gao-09-109';
  t.throws(() => validateOversightReports(plainHttp), { message: /GAO-09-109.*url must be an https:\/\/ URL/ });

  const noSources = copy();
  noSources[0]!.sources = [];
  t.throws(() => validateOversightReports(noSources), { message: /GAO-09-109.*sources must list at least one source/ });

  const badState = copy();
  badState.find((report) => report.id === 'DOJ-CRT-MARICOPA-2011')!.agencies[0]!.stateCode = 'Arizona';
  t.throws(() => validateOversightReports(badState), { message: /MARICOPA.*agencies\.0\.stateCode must be a known/ });

  const typoField = copy() as unknown as Record<string, unknown>[];
  typoField[0]!.publishedon = '2009-01-30';
  t.throws(() => validateOversightReports(typoField), { message: /GAO-09-109.*publishedon/ });

  t.throws(() => validateOversightReports({ reports }), { message: /oversight reports/ });
});
