// planList (src/ingestion/history.ts) is a pure function: a state and a list in,
// a plan out (and the state updated in place, as a backfill keeps it). Each
// branch where the history is decided, without a database: renewal, corrected
// SIGNED date, documents updated, promotion (from pending, and after a
// withdrawal within 60 days: at 60 days, not at 61), reinstatement, ending and
// withdrawal, duplicates and unreadable rows.
import t from 'tap';
import { planList, type HistoryState, type ListPlan } from '../../src/ingestion/history/plan-list.ts';
import type { ListKind, ModelCode, ParsedRow } from '../../src/ingestion/lists/parse/index.ts';

let rowNumber = 1;
/** A row as the parser returns it: Collier County Sheriff's Office, task force, unless told otherwise. */
function row(fields: Partial<ParsedRow> = {}): ParsedRow {
  rowNumber++;
  return {
    rowNumber,
    raw: {},
    state: 'FL',
    stateRaw: 'FLORIDA',
    agencyRaw: "Collier County Sheriff's Office",
    agencyName: "Collier County Sheriff's Office",
    agencyType: 'County',
    agencyKind: null,
    county: 'Collier County',
    model: 'task_force' as ModelCode,
    modelRaw: 'Task Force Model',
    signedOn: null,
    moaUrl: null,
    moaPending: false,
    addendumUrl: null,
    addendumPending: false,
    issues: [],
    ...fields,
  } as ParsedRow;
}

const emptyState = (): HistoryState => ({ agencies: new Map(), agreements: new Map() });
const plan = (state: HistoryState, kind: ListKind, listDate: string, rows: ParsedRow[]): ListPlan =>
  planList(state, { kind, listDate }, rows);
const eventsOf = (listPlan: ListPlan) => listPlan.events.map((event) => [event.type, event.occurredOn, event.details]);
const statuses = (state: HistoryState) =>
  [...state.agreements.values()].map((agreement) => `${agreement.id} ${agreement.status}`).sort();

const COLLIER = 'fl-collier-county-sheriffs-office';

t.test('a new participating row: a new agency and an active agreement, signed on its SIGNED date', async (t) => {
  const state = emptyState();
  const first = plan(state, 'participating', '2025-03-01', [
    row({ signedOn: '2025-02-20', moaUrl: 'https://x/moa.pdf' }),
  ]);
  t.same(
    first.newAgencies.map((agency) => agency.id),
    [COLLIER],
  );
  t.same(eventsOf(first), [['signed', '2025-02-20', { signed_on_known: true }]]);
  t.match(first.counts, { rows: 1, added: 1, agreements_confirmed: 1, unchanged: 0 });
  t.same(statuses(state), [`${COLLIER}--tfm-2025-02-20 active`]);

  const again = plan(state, 'participating', '2025-04-01', [
    row({ signedOn: '2025-02-20', moaUrl: 'https://x/moa.pdf' }),
  ]);
  t.same(again.events, [], 'the same row again: nothing happens');
  t.match(again.counts, { unchanged: 1, added: 0 });
  t.same(again.listedIds, [`${COLLIER}--tfm-2025-02-20`], 'but it was listed: last_listed_on moves');
  t.equal(state.agreements.get(`${COLLIER}--tfm-2025-02-20`)!.lastListedOn, '2025-04-01');
});

t.test('a later SIGNED date is a renewal: the old agreement ends, a new one supersedes it', async (t) => {
  const state = emptyState();
  plan(state, 'participating', '2025-03-01', [row({ signedOn: '2025-02-20' })]);
  const renewed = plan(state, 'participating', '2025-04-01', [row({ signedOn: '2025-03-15' })]);
  t.same(eventsOf(renewed), [
    ['ended', '2025-04-01', { reason: 'superseded', superseded_on: '2025-03-15' }],
    ['renewed', '2025-03-15', { supersedes_id: `${COLLIER}--tfm-2025-02-20`, previous_signed_on: '2025-02-20' }],
  ]);
  t.match(renewed.counts, { renewed: 1, ended: 0, added: 0 });
  t.same(statuses(state), [`${COLLIER}--tfm-2025-02-20 ended`, `${COLLIER}--tfm-2025-03-15 active`]);
  t.equal(state.agreements.get(`${COLLIER}--tfm-2025-03-15`)!.supersedesId, `${COLLIER}--tfm-2025-02-20`);
});

t.test('an earlier SIGNED date is a correction of the same agreement (correction_of), not a renewal', async (t) => {
  const state = emptyState();
  plan(state, 'participating', '2025-03-01', [row({ signedOn: '2025-02-20' })]);
  const corrected = plan(state, 'participating', '2025-04-01', [row({ signedOn: '2025-02-02' })]);
  t.same(eventsOf(corrected), [['signed', '2025-02-02', { correction_of: '2025-02-20' }]]);
  t.match(corrected.counts, { renewed: 0, added: 0, unchanged: 0 });
  t.same(
    corrected.changedAgreements.map((agreement) => agreement.signedOn),
    ['2025-02-02'],
    'the agreement now holds the corrected date',
  );
  t.same(statuses(state), [`${COLLIER}--tfm-2025-02-20 active`], 'one agreement, its id kept');

  // A first SIGNED date for an agreement listed without one is recorded the same way.
  const undated = emptyState();
  plan(undated, 'participating', '2025-03-01', [row()]);
  const dated = plan(undated, 'participating', '2025-04-01', [row({ signedOn: '2025-01-10' })]);
  t.same(eventsOf(dated), [['signed', '2025-01-10', { correction_of: null }]]);
});

t.test('a new MOA or addendum link is documents_updated; a row that drops its link keeps the old one', async (t) => {
  const state = emptyState();
  plan(state, 'participating', '2025-03-01', [row({ signedOn: '2025-02-20', moaUrl: 'https://x/moa1.pdf' })]);
  const updated = plan(state, 'participating', '2025-04-01', [
    row({ signedOn: '2025-02-20', moaUrl: 'https://x/moa2.pdf', addendumUrl: 'https://x/add.pdf' }),
  ]);
  t.same(eventsOf(updated), [
    ['documents_updated', '2025-04-01', { moa_url: 'https://x/moa2.pdf', addendum_url: 'https://x/add.pdf' }],
  ]);
  t.match(updated.counts, { documents_updated: 1, unchanged: 0 });
  const dropped = plan(state, 'participating', '2025-05-01', [row({ signedOn: '2025-02-20' })]);
  t.same(dropped.events, [], 'a missing link is no change');
  t.match(state.agreements.get(`${COLLIER}--tfm-2025-02-20`), {
    moaUrl: 'https://x/moa2.pdf',
    addendumUrl: 'https://x/add.pdf',
  });
});

t.test('pending lists: applied, unchanged, withdrawn; a pending row of an active agreement is skipped', async (t) => {
  const state = emptyState();
  const applied = plan(state, 'pending', '2025-03-01', [row()]);
  t.same(eventsOf(applied), [['applied', '2025-03-01', { agency_name: "Collier County Sheriff's Office" }]]);
  t.same(statuses(state), [`${COLLIER}--tfm-applied-2025-03-01 pending`]);
  t.match(plan(state, 'pending', '2025-04-01', [row()]).counts, { unchanged: 1, added: 0 });
  const withdrawn = plan(state, 'pending', '2025-05-01', []);
  t.same(eventsOf(withdrawn), [
    ['withdrawn', '2025-05-01', { reason: 'not on the list', last_listed_on: '2025-04-01' }],
  ]);
  t.match(withdrawn, { wouldEnd: 1, openBefore: 1, counts: { withdrawn: 1, ended: 0 } });
  t.same(
    statuses(state),
    [`${COLLIER}--tfm-applied-2025-03-01 withdrawn`],
    'an application that was never signed is withdrawn, not ended',
  );
  t.match(
    state.agreements.get(`${COLLIER}--tfm-applied-2025-03-01`),
    { endedOn: '2025-05-01', signedOn: null },
    'ended_on: the first pending list that no longer showed it',
  );
  t.same(
    withdrawn.statusChanges,
    [{ agreementId: `${COLLIER}--tfm-applied-2025-03-01`, status: 'withdrawn' }],
    'its status span from that list on says withdrawn',
  );

  const signed = emptyState();
  plan(signed, 'participating', '2025-03-01', [row({ signedOn: '2025-02-20' })]);
  const leftover = plan(signed, 'pending', '2025-03-01', [row()]);
  t.same(
    leftover.skipped.map((skipped) => skipped.reason),
    [`pending row for agreement ${COLLIER}--tfm-2025-02-20, already active`],
  );
  t.same(leftover.events, []);
});

t.test('a pending application signed later is promoted: same agreement, same id', async (t) => {
  const state = emptyState();
  plan(state, 'pending', '2025-03-01', [row()]);
  const promoted = plan(state, 'participating', '2025-04-01', [row({ signedOn: '2025-03-20' })]);
  t.same(eventsOf(promoted), [['signed', '2025-03-20', { from_status: 'pending' }]]);
  t.match(promoted.counts, { promoted: 1, added: 0 });
  t.same(statuses(state), [`${COLLIER}--tfm-applied-2025-03-01 active`]);
});

t.test(
  'promotion after a withdrawal: within 60 days the same agreement (at 59 and 60 days), a new one at 61',
  async (t) => {
    // Withdrawn on 2025-03-01 (a pending list without it); signed on a participating list N days later.
    for (const [days, listDate] of [
      [59, '2025-04-29'],
      [60, '2025-04-30'],
      [61, '2025-05-01'],
    ] as const) {
      const state = emptyState();
      plan(state, 'pending', '2025-02-01', [row()]);
      plan(state, 'pending', '2025-03-01', []);
      t.same(statuses(state), [`${COLLIER}--tfm-applied-2025-02-01 withdrawn`], 'withdrawn before it is signed');
      const next = plan(state, 'participating', listDate, [row({ signedOn: '2025-02-25' })]);
      if (days <= 60) {
        t.match(next.counts, { promoted: 1, added: 0 }, `${days} days after the withdrawal: promoted`);
        t.same(
          statuses(state),
          [`${COLLIER}--tfm-applied-2025-02-01 active`],
          `${days} days: the withdrawn application becomes the agreement`,
        );
        t.equal(
          state.agreements.get(`${COLLIER}--tfm-applied-2025-02-01`)!.endedOn,
          null,
          `${days} days: no longer withdrawn, no ended_on`,
        );
        t.same(
          next.statusChanges,
          [{ agreementId: `${COLLIER}--tfm-applied-2025-02-01`, status: 'active' }],
          `${days} days: its status span turns active`,
        );
      } else {
        t.match(next.counts, { promoted: 0, added: 1 }, `${days} days after the withdrawal: a new agreement`);
        t.same(
          statuses(state),
          [`${COLLIER}--tfm-2025-02-25 active`, `${COLLIER}--tfm-applied-2025-02-01 withdrawn`],
          `${days} days: the application stays withdrawn`,
        );
      }
    }
  },
);

t.test(
  'a row missing from a participating list ends its agreement; back with the same SIGNED date it is reinstated',
  async (t) => {
    const state = emptyState();
    const other = row({
      state: 'TX',
      stateRaw: 'TEXAS',
      agencyRaw: "Galveston County Sheriff's Office",
      agencyName: "Galveston County Sheriff's Office",
      county: 'Galveston County',
      signedOn: '2024-05-01',
    });
    plan(state, 'participating', '2025-03-01', [row({ signedOn: '2025-02-20' }), other]);
    const ended = plan(state, 'participating', '2025-04-01', [other]);
    t.same(eventsOf(ended), [['ended', '2025-04-01', { reason: 'not on the list', last_listed_on: '2025-03-01' }]]);
    t.match(ended, { wouldEnd: 1, openBefore: 2, counts: { ended: 1, withdrawn: 0 } });
    t.same(
      statuses(state),
      [`${COLLIER}--tfm-2025-02-20 ended`, 'tx-galveston-county-sheriffs-office--tfm-2024-05-01 active'],
      'a signed agreement that left the participating list is ended, not withdrawn',
    );
    const back = plan(state, 'participating', '2025-05-01', [row({ signedOn: '2025-02-20' }), other]);
    t.same(eventsOf(back), [['reinstated', '2025-05-01', {}]]);
    t.match(back.counts, { reinstated: 1, added: 0 });
    t.same(
      statuses(state).filter((line) => line.startsWith(COLLIER)),
      [`${COLLIER}--tfm-2025-02-20 active`],
      'the same agreement, active again',
    );

    // Back with another SIGNED date: a new agreement, the ended one stays ended.
    const state2 = emptyState();
    plan(state2, 'participating', '2025-03-01', [row({ signedOn: '2025-02-20' }), other]);
    plan(state2, 'participating', '2025-04-01', [other]);
    const resigned = plan(state2, 'participating', '2025-05-01', [row({ signedOn: '2025-04-20' }), other]);
    t.match(resigned.counts, { reinstated: 0, added: 1 });
  },
);

t.test(
  'the same agency and model twice in one list: the latest signing kept, the other skipped with its reason',
  async (t) => {
    const state = emptyState();
    const older = row({ signedOn: '2024-01-01' });
    const newer = row({ signedOn: '2025-01-01' });
    const planned = plan(state, 'participating', '2025-03-01', [older, newer]);
    t.same(statuses(state), [`${COLLIER}--tfm-2025-01-01 active`]);
    t.same(
      planned.skipped.map((skipped) => [skipped.rowNumber, skipped.reason]),
      [
        [
          older.rowNumber,
          `duplicate of agreement ${COLLIER}--tfm-2025-01-01 in the same list (row ${newer.rowNumber})`,
        ],
      ],
    );
    t.match(planned.counts, { rows: 2, agreements_confirmed: 1, skipped_rows: 1 });
  },
);

t.test('rows without a state, a model or an agency are skipped, saying which', async (t) => {
  const state = emptyState();
  const planned = plan(state, 'participating', '2025-03-01', [
    row({ state: null, stateRaw: 'ATLANTIS' }),
    row({ model: null, modelRaw: 'Something Else' }),
    row({ agencyName: '' }),
  ]);
  t.same(
    planned.skipped.map((skipped) => skipped.reason),
    ['unrecognised state "ATLANTIS"', 'unrecognised support type "Something Else"', 'no agency name'],
  );
  t.equal(state.agreements.size, 0);
  t.match(planned.counts, { rows: 3, skipped_rows: 3, agreements_confirmed: 0 });
});
