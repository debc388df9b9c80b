// The FBI's identifiers: the roster in the repository (data/fbi) loaded into a
// real database over the scripted history, then served by REST (field, ori=
// filter, CSV) and GraphQL; matching never crosses a county; a bad roster
// changes nothing.
import t from 'tap';
import {
  matchAgency,
  oneAgencyPerOri,
  RosterIndex,
  type AgencyToMatch,
  type RosterRow,
} from '../../src/ingestion/agencies/fbi-identifiers.ts';
import { loadRoster, readRoster, readRosterFile } from '../../src/ingestion/agencies/fbi-roster.ts';
import { testApp } from '../helpers/app.ts';
import { SEED_LISTS, seedHistory } from '../helpers/fixtures.ts';

const ROSTER = 'data/fbi/fbi-lee-2025.csv.gz';

const row = (fields: Partial<RosterRow> & Pick<RosterRow, 'ori' | 'name' | 'countyFips'>): RosterRow => ({
  dataYear: 2025,
  stateCode: 'TX',
  countyNames: '',
  agencyType: 'County',
  population: 1000,
  officers: 10,
  civilians: 1,
  ...fields,
});

t.test("one county's figures never land on another county's sheriff", async (t) => {
  const sheriff: AgencyToMatch = {
    id: 'tx-harris',
    name: "Harris County Sheriff's Office",
    type: 'sheriffs_office',
    level: 'county',
    state: 'TX',
    county_fips: '48201',
  };
  // The roster's "Harris" sheriff placed in another county: the name and type agree, the county does not.
  const elsewhere = new RosterIndex([
    row({ ori: 'TX0000001', name: 'Harris', countyFips: ['48203'], countyNames: 'HARRISON' }),
  ]);
  const result = matchAgency(sheriff, elsewhere);
  t.equal(result.ori, null);
  t.equal(result.match, 'county_disagrees');
  t.match(result.note, /TX0000001/);

  const here = new RosterIndex([
    row({ ori: 'TX1010000', name: 'Harris', countyFips: ['48201'] }),
    // A county police department of the same county is not its sheriff.
    row({ ori: 'TX1010001', name: 'Harris County Police Department', countyFips: ['48201'] }),
    row({ ori: 'TX1010200', name: 'Harrison', countyFips: ['48203'] }),
  ]);
  t.same(matchAgency(sheriff, here), { ori: 'TX1010000', match: 'name_county_type', note: null });

  const twice = new RosterIndex([
    row({ ori: 'TX1010000', name: 'Harris', countyFips: ['48201'] }),
    row({ ori: 'TX1010009', name: 'Harris County', countyFips: ['48201'] }),
  ]);
  t.equal(matchAgency(sheriff, twice).match, 'ambiguous', 'two rows that agree: no guess');

  const unplaced = { ...sheriff, county_fips: null };
  t.equal(matchAgency(unplaced, here).match, 'county_unknown');
});

t.test("an ORI is one agency's", async (t) => {
  const results = oneAgencyPerOri([
    { id: 'ny-a', ori: 'NY0290000', match: 'name_county_type', note: null },
    { id: 'ny-b', ori: 'NY0290000', match: 'override', note: 'reviewed' },
    { id: 'ny-c', ori: 'NY0300000', match: 'name_county_type', note: null },
  ]);
  t.same(
    results.map((result) => [result.id, result.ori, result.match]),
    [
      ['ny-a', null, 'ambiguous'],
      ['ny-b', 'NY0290000', 'override'],
      ['ny-c', 'NY0300000', 'name_county_type'],
    ],
  );
  const incremental = oneAgencyPerOri(
    [{ id: 'ny-new', ori: 'NY0300000', match: 'name_county_type', note: null }],
    [{ id: 'ny-c', ori: 'NY0300000' }],
  );
  t.match(
    incremental[0],
    { ori: null, match: 'ambiguous', note: /also matches ny-c/ },
    'a new agency never takes an ORI another holds',
  );
});

t.test("a roster that is not the FBI's is refused, naming what is wrong", async (t) => {
  t.throws(() => readRoster('name,state\nCollier,FL\n'), /not an FBI LEE roster: no column ori/);
  const header =
    'ori,data_year,pub_agency_name,state_abbr,county_name,agency_type_name,population,officer_ct,civilian_ct\n';
  t.throws(
    () => readRoster(`${header}FL01,2025,Collier,FL,COLLIER,County,1,1,1\n`),
    /line 2: "FL01" is not a 9-character ORI/,
  );
  t.throws(
    () => readRoster(`${header}FL0110000,2025,Collier,FL,COLLIER,County,many,1,1\n`),
    /line 2: "many" is not a whole number/,
  );
});

t.test('the roster in the repository, over the scripted history', async (t) => {
  const { app, database } = await testApp(t);
  await seedHistory(database.pool, SEED_LISTS);
  const roster = await readRosterFile(ROSTER);
  t.equal(roster.rows.length, 18_330, 'every ORI of the roster');
  t.equal(roster.sha256, 'a24d269c1b3e02a4ca59080a33bb7e15e3d421c76f556f31fe8ec4789edda365', 'the FBI file, unchanged');
  const client = await database.pool.connect();
  const report = await loadRoster(client, roster).finally(() => client.release());
  t.equal(report.agencies, 6);
  await app.dataset.refresh();

  const byName = async (q: string) =>
    (await app.inject({ method: 'GET', url: `/v1/agencies?q=${encodeURIComponent(q)}&limit=1` })).json().data[0];
  const collier = await byName('Collier County Sheriff');
  t.equal(collier.ori, 'FL0110000', "Collier County Sheriff's Office is the roster's Collier (County)");
  t.equal(collier.ori_match, 'name_county_type');
  t.equal(collier.fbi_data_year, 2025);
  t.ok(collier.fbi_population > 300_000 && collier.fbi_officers > 400, "with the roster's population and officers");
  const houston = await byName('Houston Police Department');
  t.match(houston.ori, /^TX/, 'Houston, a city in three counties, matches through Harris County');
  t.equal(houston.ori_match, 'name_county_type');
  const patrol = await byName('Florida Highway Patrol');
  // The roster has two "Highway Patrol:" rows in Florida (headquarters and a troop): a reviewed override picks one.
  t.equal(patrol.ori, 'FL0379000', "a statewide agency gets the roster's state police headquarters");
  t.equal(patrol.ori_match, 'override');
  t.match(patrol.ori_match_note, /headquarters/);

  const filtered = await app.inject({ method: 'GET', url: '/v1/agencies?ori=fl0110000' });
  t.same(
    filtered.json().data.map((agency: { id: string }) => agency.id),
    [collier.id],
    '/v1/agencies?ori= finds it (any case)',
  );
  const agreements = await app.inject({ method: 'GET', url: '/v1/agreements?ori=FL0110000' });
  t.ok(
    agreements.json().data.length > 0 &&
      agreements.json().data.every((agreement: { agency_id: string }) => agreement.agency_id === collier.id),
    'and its agreements',
  );
  const bad = await app.inject({ method: 'GET', url: '/v1/agencies?ori=FL011' });
  t.equal(bad.statusCode, 400);
  t.match(bad.headers['content-type'], /application\/problem\+json/);
  t.match(bad.json().detail, /ori/);

  const graphql = await app.inject({
    method: 'POST',
    url: '/graphql',
    payload: {
      query:
        '{ agencies(filter: { ori: ["FL0110000"] }) { edges { node { id ori fbiPopulation fbiOfficers fbiDataYear oriMatch } } } }',
    },
  });
  const node = graphql.json().data.agencies.edges[0].node;
  t.same(node, {
    id: collier.id,
    ori: 'FL0110000',
    fbiPopulation: collier.fbi_population,
    fbiOfficers: collier.fbi_officers,
    fbiDataYear: 2025,
    oriMatch: 'NAME_COUNTY_TYPE',
  });

  const csv = await app.inject({ method: 'GET', url: '/v1/agencies.csv?ori=FL0110000' });
  const [header, line] = csv.body.trim().split(/\r?\n/);
  const columns = header!.split(',');
  t.ok(
    ['ori', 'fbi_population', 'fbi_officers', 'fbi_data_year', 'ori_match'].every((column) => columns.includes(column)),
    'CSV has the FBI columns',
  );
  t.match(line, /FL0110000/);

  // Loading a roster again changes nothing; a bad file changes nothing either.
  const again = await database.pool.connect();
  t.equal(
    (await loadRoster(again, roster).finally(() => again.release())).changed,
    0,
    'the same roster again: no agency changes',
  );
  t.throws(() => readRoster('garbage'), /not an FBI LEE roster/);
  t.equal((await byName('Collier County Sheriff')).ori, 'FL0110000');
});
