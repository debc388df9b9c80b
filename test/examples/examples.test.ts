// The scripts in examples/ run as their users run them: against the real app
// listening on a real port, loaded with the scripted history, with the real
// tools (bash, curl and jq; tsx; Python with pandas; R; openapi-typescript and
// tsc). Each assertion compares what a script prints with what the API says.
import { access, readFile } from 'node:fs/promises';
import t, { type Test } from 'tap';
import { testApp } from '../helpers/app.ts';
import { SEED_FACTS, seedHistory } from '../helpers/fixtures.ts';
import { pathWith, pythonWith, run, runs, toolAvailable } from '../helpers/tools.ts';

const TSX = 'node_modules/.bin/tsx';

t.test('examples', async (t) => {
  const { app, database } = await testApp(t);
  await seedHistory(database.pool);
  await app.dataset.refresh();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('the app is not listening on a TCP port');
  const api = `http://127.0.0.1:${address.port}`;
  const env = { ...process.env, API_URL: api };
  const example = (command: string, args: string[], extra: Record<string, string> = {}) =>
    run(command, args, { env: { ...env, ...extra }, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
  const apiJson = async <T>(path: string): Promise<T> => (await fetch(`${api}${path}`)).json() as Promise<T>;

  t.test('newsroom, shell: what changed in my county since Monday (curl + jq)', async (t) => {
    const tools =
      (await runs('bash', ['--version'])) && (await runs('curl', ['--version'])) && (await runs('jq', ['--version']));
    if (!toolAvailable(t, tools, 'bash, curl or jq', 'apt-get install curl jq')) return;
    const script = 'examples/newsroom/changes-since-monday.sh';
    const since = '2025-04-01';
    const expected = (
      await apiJson<{
        data: { recorded_on: string; type: string; agency_name: string; model: string; source_file_name: string }[];
      }>(`/v1/changes?county_fips=${SEED_FACTS.collierCountyFips}&since=${since}&limit=1000`)
    ).data.map((change) =>
      [change.recorded_on, change.type, change.agency_name, change.model, change.source_file_name].join('\t'),
    );
    t.ok(expected.length >= 2, 'the county has changes since then');
    const { stdout } = await example('bash', [script, SEED_FACTS.collierCountyFips, since]);
    t.same(stdout.trimEnd().split('\n'), expected, 'one line per change of the county, newest first');
    t.match(stdout, /Collier County Sheriff's Office/);
    const paged = await example('bash', [script, SEED_FACTS.collierCountyFips, since], { LIMIT: '1' });
    t.equal(paged.stdout, stdout, 'the same lines when it walks the pages one event at a time');
    const sinceMonday = await example('bash', [script, SEED_FACTS.collierCountyFips]);
    t.equal(sinceMonday.stdout, '', 'by default since last Monday: nothing in the 2025 fixtures');
    const failed = await example('bash', [script, '1']).catch((error: { code: number; stderr: string }) => error);
    t.not((failed as { code?: number }).code ?? 0, 0, 'a bad county exits non-zero (curl --fail on the 400)');
  });

  t.test('newsroom, TypeScript: agencies and agreements in a county', async (t) => {
    const { stdout } = await example(TSX, ['examples/newsroom/county-agreements.ts', SEED_FACTS.collierCountyFips]);
    const agreements = (
      await apiJson<{ data: { agency_name: string; model: string; status: string }[] }>(
        `/v1/agreements?county_fips=${SEED_FACTS.collierCountyFips}&limit=1000`,
      )
    ).data;
    const lines = stdout.trimEnd().split('\n');
    t.equal(lines[0], `Collier County, FL: ${agreements.length} agreement(s)`, 'the county and its count');
    t.equal(lines[1], "Collier County Sheriff's Office", 'its agency');
    for (const agreement of agreements) {
      t.ok(
        lines.some((line) => line.includes(agreement.model) && line.includes(agreement.status)),
        `lists ${agreement.model} (${agreement.status})`,
      );
    }
    const bad = await example(TSX, ['examples/newsroom/county-agreements.ts', 'x']).catch(
      (error: { code: number; stderr: string }) => error,
    );
    t.equal((bad as { code?: number }).code, 2, 'a bad argument: usage and exit 2');
  });

  t.test('academic, Python: pandas reproduces /v1/stats from the bulk CSV', async (t) => {
    const python = await pythonWith(['pandas']);
    if (!toolAvailable(t, python !== undefined, 'Python with pandas', 'apt-get install python3-pandas')) return;
    const { stdout } = await example(python!, ['examples/research/active-by-state.py']);
    const stats = await apiJson<{ active_agreements: number }>('/v1/stats');
    t.equal(stats.active_agreements, SEED_FACTS.asOf['2025-05-15'].active);
    t.match(stdout, `active agreements: ${stats.active_agreements} (bulk) vs ${stats.active_agreements} (/v1/stats`);
    t.match(stdout, `FL: ${SEED_FACTS.activeByState.FL} (bulk) vs ${SEED_FACTS.activeByState.FL} (/v1/stats)`);
    t.match(stdout, 'the bulk file reproduces /v1/stats', 'and it exits 0 only then');
  });

  t.test('academic, R: base R reproduces the counts from the bulk CSV', async (t) => {
    if (!toolAvailable(t, await runs('Rscript', ['--version']), 'R (Rscript)', 'apt-get install r-base-core')) return;
    const { stdout } = await example('Rscript', ['examples/research/active-by-state.R']);
    const stats = await apiJson<{ active_agreements: number }>('/v1/stats');
    t.match(stdout, `active agreements: ${stats.active_agreements} (bulk) vs ${stats.active_agreements} (/v1/stats)`);
    t.match(stdout, `TX: ${SEED_FACTS.activeByState.TX} (bulk) vs ${SEED_FACTS.activeByState.TX} (/v1/states.csv)`);
    t.match(stdout, "the bulk file reproduces the API's counts");
  });

  t.test('a typed client generated from schema/openapi.json type-checks and runs', async (t) => {
    await run('node_modules/.bin/openapi-typescript', ['schema/openapi.json', '-o', 'examples/typed-client/api.d.ts'], {
      timeout: 120_000,
    });
    await access('examples/typed-client/api.d.ts');
    const check = await run('node_modules/.bin/tsc', ['-p', 'examples/tsconfig.json'], { timeout: 180_000 }).catch(
      (error: { stdout: string; code: number }) => error,
    );
    t.equal(
      (check as { code?: number }).code ?? 0,
      0,
      `the examples type-check against the generated types ${(check as { stdout?: string }).stdout ?? ''}`,
    );
    const { stdout } = await example(TSX, ['examples/typed-client/client.ts', 'FL']);
    t.match(stdout, `FL: ${SEED_FACTS.activeByState.FL} active agreement(s) as of ${SEED_FACTS.latestListDate}`);
    t.match(stdout, "Collier County Sheriff's Office: task_force");
    t.match(stdout, /has been listed as: /, 'and an agency with its names');
  });

  t.test('GraphQL: a county in one request, with curl + jq and from TypeScript', async (t) => {
    const county = (
      await apiJson<{
        data: {
          name: string;
          state: string;
          active_agreements: number;
          pending_agreements: number;
          ended_agreements: number;
          withdrawn_agreements: number;
        };
      }>(`/v1/counties/${SEED_FACTS.collierCountyFips}`)
    ).data;
    const agreements = (
      await apiJson<{ data: { agency_name: string; status: string; signed_on: string | null }[] }>(
        `/v1/agreements?county_fips=${SEED_FACTS.collierCountyFips}&limit=1000`,
      )
    ).data;
    const heading = `${county.name}, ${county.state}: ${county.active_agreements} active, ${county.pending_agreements} pending, ${county.ended_agreements} ended, ${county.withdrawn_agreements} withdrawn`;
    const check = (t: Test, stdout: string) => {
      const [first, ...lines] = stdout.trimEnd().split('\n');
      t.equal(first, heading, 'the county and its counts, as REST says');
      t.equal(lines.length, agreements.length, 'one line per agreement of the county');
      for (const line of lines)
        t.match(line, /^Collier County Sheriff's Office\t.+ Model\t(ACTIVE|PENDING|ENDED|WITHDRAWN)\t\d{4}-\d\d-\d\d/);
    };
    const tools =
      (await runs('bash', ['--version'])) && (await runs('curl', ['--version'])) && (await runs('jq', ['--version']));
    if (toolAvailable(t, tools, 'bash, curl or jq', 'apt-get install curl jq')) {
      check(t, (await example('bash', ['examples/graphql/county.sh', SEED_FACTS.collierCountyFips])).stdout);
      const failed = await example('bash', ['examples/graphql/county.sh', '1']).catch(
        (error: { code: number; stderr: string }) => error,
      );
      t.not((failed as { code?: number }).code ?? 0, 0, 'a bad county: the GraphQL error said, exit non-zero');
      t.match((failed as { stderr?: string }).stderr, /^error: /m);
    }
    check(t, (await example(TSX, ['examples/graphql/county.ts', SEED_FACTS.collierCountyFips])).stdout);
  });

  t.test('every command of examples/README.md runs as written from the repository root', async (t) => {
    const table = await readFile('examples/README.md', 'utf8');
    const commands = [...table.matchAll(/^\| [^|]+ \| `([^`]+)` \|/gm)].map((match) => match[1]!);
    t.ok(commands.length >= 7, `${commands.length} commands`);
    // Tools a machine may lack are skipped with a reason outside CI (as above); everything else must run.
    // `python3` as written: the one found with pandas (Debian's behind a pyenv one without it), put first on PATH.
    const python = await pythonWith(['pandas']);
    const needs: Record<string, () => Promise<boolean>> = {
      python3: async () => python !== undefined,
      Rscript: () => runs('Rscript', ['--version']),
      bash: async () => (await runs('curl', ['--version'])) && (await runs('jq', ['--version'])),
    };
    for (const command of commands) {
      const program = command.split(' ')[0]!;
      if (
        needs[program] &&
        !toolAvailable(t, await needs[program](), `the tools of ${command}`, 'see examples/README.md')
      )
        continue;
      if (command.includes('typed-client')) await access('examples/typed-client/api.d.ts'); // generated by the test above
      const PATH = program === 'python3' ? await pathWith(t, 'python3', python!) : process.env.PATH!;
      const { stdout } = await run('bash', ['-c', command], {
        env: { ...env, PATH },
        timeout: 180_000,
        maxBuffer: 16 * 1024 * 1024,
      });
      t.ok(stdout.trim().length > 0, `${command}: exit 0, with an answer`);
    }
  });
});
