// The real archive (ICE_ARCHIVE_DIR) loaded with some lists left out and then
// added late — morning editions, a pending list, lists of the middle of 2025 —
// gives the database that loading every list in order gives: the same
// agreements, events, spans, names, skipped rows and list counts, and the same
// /v1/stats at every list date.
import { basename } from 'node:path';
import t from 'tap';
import { ingestFiles, listFilesInOrder, type FileOutcome } from '../../src/ingestion/ingest-files.ts';
import { rederiveHistory } from '../../src/ingestion/history/rederive.ts';
import { testApp } from '../helpers/app.ts';
import { testDatabase } from '../helpers/database.ts';
import { contentDifferences, historyContents } from '../helpers/history-contents.ts';

const archive = process.env.ICE_ARCHIVE_DIR;
// Two backfills of the whole archive, four late lists and a re-derivation.
t.setTimeout(3_600_000);

/** Seconds and the highest RSS seen (MB, sampled every 50 ms) while `work` runs: figures for the README. */
async function measure(work: () => Promise<unknown>): Promise<string> {
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  const started = performance.now();
  await work();
  clearInterval(sampler);
  return `${((performance.now() - started) / 1000).toFixed(1)} s, peak RSS ${Math.round(Math.max(peak, process.memoryUsage.rss()) / 1048576)} MB`;
}

/** Left out of the first load, then ingested in this order (not history's). */
const LATE = [
  'participatingAgencies01132026am.xlsx', // a morning edition; the day's afternoon list is applied
  'pendingAgencies08042025am.xlsx', // a pending list, morning
  'participatingAgencies07152025am.xlsx', // the middle of 2025
  'participatingAgencies07112025am.xlsx', // a morning edition of a day whose afternoon list is applied
];

t.test(
  'lists added late give the database of an in-order load',
  {
    timeout: 3_600_000,
    skip: archive ? false : 'ICE_ARCHIVE_DIR is not set: the real-archive suite needs the archive of ICE lists',
  },
  async (t) => {
    const files = (await listFilesInOrder(archive!)).map((file) => file.path);
    const late = LATE.map((name) => files.find((path) => basename(path) === name)!);
    t.equal(late.filter(Boolean).length, LATE.length, 'the late lists are in the archive');

    const outcomes: Record<string, FileOutcome> = {};
    const record = (outcome: FileOutcome) => (outcomes[basename(outcome.path)] = outcome);
    const inOrder = await testDatabase(t);
    t.comment(
      `in-order backfill of ${files.length} files: ${await measure(() => ingestFiles(inOrder.pool, files, {}, record))}`,
    );
    for (const name of LATE)
      t.match(outcomes[name], { report: { outcome: 'applied' } }, `${name} is applied in an in-order load`);

    const lateDb = await testDatabase(t);
    await ingestFiles(
      lateDb.pool,
      files.filter((path) => !late.includes(path)),
      {},
      () => {},
    );
    const lateOutcomes: Record<string, FileOutcome> = {};
    for (const path of late) {
      const took = await measure(() =>
        ingestFiles(lateDb.pool, [path], {}, (outcome) => (lateOutcomes[basename(outcome.path)] = outcome)),
      );
      t.comment(`late list ${basename(path)}: ${took}`);
    }
    for (const name of LATE)
      t.match(lateOutcomes[name], { report: { outcome: 'applied' } }, `${name} is applied late, at its place`);

    t.same(
      contentDifferences(await historyContents(lateDb.pool), await historyContents(inOrder.pool)),
      {},
      'the same history, table by table',
    );

    const dates = (
      await inOrder.pool.query<{ list_date: string }>(
        "SELECT DISTINCT list_date FROM source_lists WHERE status = 'applied' ORDER BY 1",
      )
    ).rows.map((row) => row.list_date);
    const { app: expected } = await testApp(t, { database: inOrder, env: { RATE_LIMIT_MAX: '1000000' } });
    const { app: actual } = await testApp(t, { database: lateDb, env: { RATE_LIMIT_MAX: '1000000' } });
    const differing: string[] = [];
    for (const date of dates) {
      const [a, b] = await Promise.all([expected, actual].map((app) => app.inject({ url: `/v1/stats?as_of=${date}` })));
      if (JSON.stringify(a!.json().data) !== JSON.stringify(b!.json().data)) differing.push(date);
    }
    t.same(differing, [], `/v1/stats is the same at every one of the ${dates.length} list dates`);

    // A re-derivation of a history derived under the same rules changes nothing.
    let report: Awaited<ReturnType<typeof rederiveHistory>> | undefined;
    t.comment(
      `--rederive of the whole archive: ${await measure(async () => (report = await rederiveHistory(lateDb.pool)))}`,
    );
    t.same(report!.changes.events, { added: 0, removed: 0 }, '--rederive under the same rules: no event changes');
    t.same(report!.changes.listsRecounted, [], 'and no list counts move');
    t.same(
      contentDifferences(await historyContents(lateDb.pool), await historyContents(inOrder.pool)),
      {},
      'the same history after --rederive',
    );
  },
);
