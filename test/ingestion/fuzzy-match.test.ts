// The agency matcher's second stage (isLikelySameAgency), through a real
// ingestion: a name whose identity key differs from any known agency's is the
// same agency when an agency of the same state, county and type is spelled
// within a typo of it; the same typo in another county is another agency. The
// typo is kept as an alias, never as the agency's name (no renamed event).
import t from 'tap';
import { ingestList } from '../../src/ingestion/ingest.ts';
import { buildList } from '../helpers/build-list.ts';
import { testDatabase } from '../helpers/database.ts';
import { PARTICIPATING_COLUMNS } from '../helpers/fixtures.ts';

const utc = (iso: string) => new Date(`${iso}T00:00:00Z`);
const sheriff = (state: string, name: string, county: string) => [
  state,
  name,
  'County',
  county,
  'Task Force Model',
  utc('2025-01-15'),
  null,
];

t.test(
  "a typo in a known agency's name, same county and type: the same agency, its agreement unchanged, a new alias",
  async (t) => {
    const db = await testDatabase(t);
    const first = await ingestList(db.pool, {
      buffer: await buildList({
        columns: PARTICIPATING_COLUMNS,
        rows: [
          sheriff('WISCONSIN', "Manitowoc County Sheriff's Office", 'Manitowoc County'),
          sheriff('TEXAS', "Coke County Sheriff's Office", 'Coke County'),
        ] as never,
      }),
      fileName: 'participatingAgencies03012025pm.xlsx',
    });
    t.equal(first.outcome, 'applied');
    const second = await ingestList(db.pool, {
      buffer: await buildList({
        columns: PARTICIPATING_COLUMNS,
        rows: [
          sheriff('WISCONSIN', "Mantiowoc County Sheriff's Office", 'Manitowoc County'), // ICE's typo, the county column right
          sheriff('TEXAS', "Coke County Sheriff's Office", 'Coke County'),
          sheriff('TEXAS', "Cooke County Sheriff's Office", 'Cooke County'), // one letter from Coke, another county
        ] as never,
      }),
      fileName: 'participatingAgencies04012025pm.xlsx',
    });
    t.equal(second.outcome, 'applied', second.reason ?? '');
    t.match(second.counts, { added: 1, unchanged: 2, ended: 0 }, 'only Cooke County is new');

    const agencies = await db.pool.query<{ id: string; canonical_name: string; aliases: string[] }>(
      `SELECT g.id, g.canonical_name, array_agg(a.name ORDER BY a.name) AS aliases
     FROM agencies g JOIN agency_aliases a ON a.agency_id = g.id GROUP BY g.id ORDER BY g.id`,
    );
    t.same(
      agencies.rows.map((row) => row.id),
      ['tx-coke-county-sheriffs-office', 'tx-cooke-county-sheriffs-office', 'wi-manitowoc-county-sheriffs-office'],
      'three agencies: the typo joined Manitowoc, Cooke did not join Coke',
    );
    const manitowoc = agencies.rows.find((row) => row.id === 'wi-manitowoc-county-sheriffs-office')!;
    t.same(
      manitowoc.aliases,
      ["Manitowoc County Sheriff's Office", "Mantiowoc County Sheriff's Office"],
      'the typo is kept as an alias',
    );
    t.equal(manitowoc.canonical_name, "Manitowoc County Sheriff's Office", 'the typo does not become its name');
    const agreements = await db.pool.query(
      `SELECT id, status::text FROM agreements WHERE agency_id = 'wi-manitowoc-county-sheriffs-office'`,
    );
    t.same(
      agreements.rows,
      [{ id: 'wi-manitowoc-county-sheriffs-office--tfm-2025-01-15', status: 'active' }],
      'one agreement, still active: not ended and re-added',
    );

    // The next list prints the typo again: it now reaches the agency as a known alias, and still does not rename it.
    const third = await ingestList(db.pool, {
      buffer: await buildList({
        columns: PARTICIPATING_COLUMNS,
        rows: [
          sheriff('WISCONSIN', "Mantiowoc County Sheriff's Office", 'Manitowoc County'),
          sheriff('TEXAS', "Coke County Sheriff's Office", 'Coke County'),
          sheriff('TEXAS', "Cooke County Sheriff's Office", 'Cooke County'),
          sheriff('TEXAS', "Brown County Sheriff's Office", 'Brown County'), // not the same list as the last
        ] as never,
      }),
      fileName: 'participatingAgencies05012025pm.xlsx',
    });
    t.equal(third.outcome, 'applied', third.reason ?? '');
    t.match(third.counts, { renamed: 0, unchanged: 3, added: 1 }, 'no rename');
    const names = await db.pool.query(
      `SELECT canonical_name FROM agencies WHERE id = 'wi-manitowoc-county-sheriffs-office'`,
    );
    t.equal(names.rows[0].canonical_name, "Manitowoc County Sheriff's Office", 'its name is still the right spelling');
    const renames = await db.pool.query(`SELECT count(*)::int AS n FROM agreement_events WHERE type = 'renamed'`);
    t.equal(renames.rows[0].n, 0, 'no renamed event');
  },
);

t.test(
  'an agency first seen under a typo takes the right spelling when ICE corrects it, without a rename',
  async (t) => {
    const db = await testDatabase(t);
    const list = async (name: string, fileName: string) => {
      const report = await ingestList(db.pool, {
        buffer: await buildList({
          columns: PARTICIPATING_COLUMNS,
          // Another agency's row, its own in each list: no list is the same as an earlier one (those are skipped).
          rows: [
            sheriff('WISCONSIN', name, 'Manitowoc County'),
            sheriff('TEXAS', `${fileName.slice(21, 25)} County Sheriff's Office`, 'Coke County'),
          ] as never,
        }),
        fileName,
      });
      t.equal(report.outcome, 'applied', report.reason ?? '');
      const agency = await db.pool.query("SELECT id, canonical_name FROM agencies WHERE state_code = 'WI'");
      return agency.rows;
    };
    t.same(await list("Mantiowoc County Sheriff's Office", 'participatingAgencies03012025pm.xlsx'), [
      { id: 'wi-mantiowoc-county-sheriffs-office', canonical_name: "Mantiowoc County Sheriff's Office" },
    ]);
    t.same(
      await list("Manitowoc County Sheriff's Office", 'participatingAgencies04012025pm.xlsx'),
      [{ id: 'wi-mantiowoc-county-sheriffs-office', canonical_name: "Manitowoc County Sheriff's Office" }],
      'the correction is its name (its id stays)',
    );
    t.same(
      await list("Mantiowoc County Sheriff's Office", 'participatingAgencies05012025pm.xlsx'),
      [{ id: 'wi-mantiowoc-county-sheriffs-office', canonical_name: "Manitowoc County Sheriff's Office" }],
      'the typo printed again does not take it back',
    );
    const renames = await db.pool.query(`SELECT count(*)::int AS n FROM agreement_events WHERE type = 'renamed'`);
    t.equal(renames.rows[0].n, 0, 'no renamed event: a change of spelling');
  },
);
