// Withdrawn applications over the real data (the repository's seed: every ICE list and the historical sources).
// An application that left ICE's pending list without being signed reads as `withdrawn`, never `ended`, in REST,
// GraphQL and the CSV; `status=withdrawn` finds exactly those; before the pending list that no longer showed it,
// as_of answers `pending`; and /v1/stats counts it as withdrawn, apart from the ended agreements.
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { testApp } from '../../helpers/app.ts';
import { seededDatabase, tableDigests } from '../../helpers/seed.ts';

t.setTimeout(1_800_000);

const dayBefore = (date: string) => new Date(Date.parse(date) - 86_400_000).toISOString().slice(0, 10);

/** Every agreement a /v1/agreements query answers, page after page. */
async function every(app: FastifyInstance, path: string): Promise<{ id: string; status: string }[]> {
  const rows: { id: string; status: string }[] = [];
  for (let next: string | null = path; next; ) {
    const page: { data: { id: string; status: string }[]; links: { next: string | null } } = (
      await app.inject(next)
    ).json();
    rows.push(...page.data);
    next = page.links.next;
  }
  return rows;
}

async function gql(app: FastifyInstance, query: string, variables?: Record<string, unknown>) {
  const response = await app.inject({ method: 'POST', url: '/graphql', payload: { query, variables } });
  const body = response.json();
  if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

t.test('a real withdrawn application, in every answer', { timeout: 1_800_000 }, async (t) => {
  const database = await seededDatabase(t);
  const { app } = await testApp(t, { database });

  // The applications of ICE's lists whose last word is a withdrawal (a pending list without them) and that never
  // came back: found from the events the lists wrote (in the order they were written: a promotion's signed event
  // is dated by its SIGNED date, which may precede the withdrawal), not from the status under test.
  const withdrawals = await database.pool.query<{ id: string; withdrawn_on: string; last_listed_on: string }>(
    `SELECT a.id, e.occurred_on::text AS withdrawn_on, e.details->>'last_listed_on' AS last_listed_on
     FROM agreements a
     JOIN LATERAL (SELECT * FROM agreement_events x WHERE x.agreement_id = a.id ORDER BY x.id DESC
                   LIMIT 1) e ON e.type = 'withdrawn'
     WHERE a.origin = 'ice_lists'
     ORDER BY a.id`,
  );
  t.ok(withdrawals.rows.length > 0, 'the real lists hold withdrawn applications');
  const withdrawn = withdrawals.rows[0]!;
  t.comment(`${withdrawn.id}: last listed ${withdrawn.last_listed_on}, withdrawn ${withdrawn.withdrawn_on}`);

  const one = (await app.inject(`/v1/agreements/${withdrawn.id}`)).json().data;
  t.match(
    one,
    { status: 'withdrawn', signed_on: null, ended_on: withdrawn.withdrawn_on },
    'REST: withdrawn, never signed, ended_on the first pending list without it',
  );
  const graph = await gql(app, 'query($id: ID!) { agreement(id: $id) { status signedOn endedOn } }', {
    id: withdrawn.id,
  });
  t.same(graph.agreement, { status: 'WITHDRAWN', signedOn: null, endedOn: withdrawn.withdrawn_on }, 'GraphQL too');

  // status=withdrawn: every withdrawal found above, and only withdrawn agreements.
  const filtered = await every(app, '/v1/agreements?status=withdrawn&limit=1000');
  const filteredIds = new Set(filtered.map((agreement) => agreement.id));
  t.ok(
    withdrawals.rows.every((row) => filteredIds.has(row.id)),
    `status=withdrawn lists the ${withdrawals.rows.length} applications withdrawn from ICE's lists`,
  );
  t.ok(
    filtered.every((agreement) => agreement.status === 'withdrawn'),
    'and nothing else',
  );
  const ended = await every(app, '/v1/agreements?status=ended&limit=1000');
  t.notOk(
    ended.some((agreement) => filteredIds.has(agreement.id)),
    'no withdrawn application reads as ended',
  );
  const graphFiltered = await gql(
    app,
    '{ agreements(filter: { status: [WITHDRAWN] }, first: 1000) { totalCount edges { node { status } } } }',
  );
  t.equal(graphFiltered.agreements.totalCount, filteredIds.size, 'GraphQL status: [WITHDRAWN] finds as many');
  t.ok(graphFiltered.agreements.edges.every(({ node }: { node: { status: string } }) => node.status === 'WITHDRAWN'));

  // The CSV: one line per withdrawn application (no name in these rows spans lines), each saying withdrawn.
  const [header, ...lines] = (await app.inject('/v1/agreements.csv?status=withdrawn')).body.trimEnd().split(/\r?\n/);
  t.match(header, /(^|,)status(,|$)/, 'the CSV has its status column');
  t.equal(lines.length, filteredIds.size, 'the CSV lists as many as the JSON');
  t.ok(
    lines.every((line) => line.includes(',withdrawn,')),
    'every CSV row says withdrawn',
  );
  t.match(
    lines.find((line) => line.startsWith(`${withdrawn.id},`)),
    `,withdrawn,`,
    'including the one above',
  );

  // as_of: pending while the pending lists showed it, withdrawn from the first one that did not.
  const before = dayBefore(withdrawn.withdrawn_on);
  t.match(
    (await app.inject(`/v1/agreements/${withdrawn.id}?as_of=${before}`)).json().data,
    { status: 'pending', ended_on: null },
    `as_of ${before}: pending`,
  );
  const pendingThen = await every(app, `/v1/agreements?as_of=${before}&status=pending&limit=1000`);
  t.ok(
    pendingThen.some((agreement) => agreement.id === withdrawn.id),
    `as_of ${before}&status=pending finds it`,
  );
  const graphBefore = await gql(app, 'query($id: ID!, $on: Date) { agreement(id: $id, asOf: $on) { status } }', {
    id: withdrawn.id,
    on: before,
  });
  t.equal(graphBefore.agreement.status, 'PENDING', 'GraphQL asOf: PENDING');
  t.match(
    (await app.inject(`/v1/agreements/${withdrawn.id}?as_of=${withdrawn.withdrawn_on}`)).json().data,
    { status: 'withdrawn', ended_on: withdrawn.withdrawn_on },
    `as_of ${withdrawn.withdrawn_on}: withdrawn`,
  );

  // Stats: withdrawn counted apart from ended.
  const stats = (await app.inject('/v1/stats')).json();
  t.equal(stats.withdrawn_agreements, stats.by_status.withdrawn, 'withdrawn_agreements is by_status.withdrawn');
  t.equal(stats.ended_agreements, stats.by_status.ended, 'ended_agreements counts ended agreements only');
  t.equal(stats.withdrawn_agreements, filteredIds.size, '/v1/stats counts the agreements status=withdrawn lists');
  const graphStats = await gql(app, '{ stats { endedAgreements withdrawnAgreements } }');
  t.same(
    graphStats.stats,
    { endedAgreements: stats.ended_agreements, withdrawnAgreements: stats.withdrawn_agreements },
    'GraphQL stats agree',
  );

  // A database derived before this status existed held these applications as ended. The migration that
  // restates them gives what the planner and the historical loader now write: the same agreements and spans.
  const derived = await tableDigests(database.url);
  await database.pool.query(`UPDATE agreement_status_spans SET status = 'ended' WHERE status = 'withdrawn'`);
  await database.pool.query(`UPDATE agreements SET status = 'ended' WHERE status = 'withdrawn'`);
  await database.pool.query(`UPDATE dataset_version SET rules_version = 'r1-0123456789ab' WHERE id = 1`);
  await database.pool.query(
    await readFile('prisma/migrations/20261206091100_withdrawn_applications/migration.sql', 'utf8'),
  );
  const migrated = await tableDigests(database.url);
  for (const table of ['agreements', 'agreement_status_spans'])
    t.equal(migrated[table], derived[table], `the migration restates ${table} as a derivation now writes them`);
  t.equal(
    (await database.pool.query('SELECT rules_version FROM dataset_version')).rows[0].rules_version,
    'r2-0123456789ab',
    'and marks the history as derived under rules revision 2',
  );
});
