// The committed OpenAPI document as code generators see it: Redocly CLI's
// recommended ruleset finds nothing to complain about, every operation has a
// unique operationId (what generated clients name their functions after) and
// tags, the API declares itself public and its server relative.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import t from 'tap';
import { OPENAPI_PATH } from '../../../scripts/write-openapi.ts';

const run = promisify(execFile);

interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
}

t.test('Redocly CLI, recommended ruleset: 0 errors, 0 warnings', async (t) => {
  // No telemetry and no update check: the lint must not reach the network.
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
  // redocly exits 1 when it finds errors; the report on stdout says which.
  const { stdout } = await run(
    'node_modules/.bin/redocly',
    ['lint', OPENAPI_PATH, '--extends=recommended', '--format=json'],
    { env, maxBuffer: 64 * 1024 * 1024 },
  ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  const report = JSON.parse(stdout) as LintReport;
  const problems = report.problems.map(
    (problem) => `${problem.severity} ${problem.ruleId} at ${problem.location[0]?.pointer}: ${problem.message}`,
  );
  t.same(problems, [], 'no problems');
  t.equal(report.totals.errors, 0, 'errors');
  t.equal(report.totals.warnings, 0, 'warnings');
  // .redocly.lint-ignore.yaml: the two redirect-only operations (/v1/releases/latest…) have no 2XX response.
  t.equal(report.totals.ignored, 2, 'only the reviewed exceptions are ignored');
});

t.test('operationIds, tags, servers and security', async (t) => {
  const document = JSON.parse(await readFile(OPENAPI_PATH, 'utf8')) as {
    servers?: { url: string }[];
    security?: unknown[];
    paths: Record<string, Record<string, { operationId?: string; tags?: string[] }>>;
  };
  const ids: string[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      t.match(operation.operationId, /^(list|get)[A-Z][A-Za-z]+$/, `${method} ${path} has an operationId`);
      t.ok(operation.tags && operation.tags.length > 0, `${method} ${path} has tags`);
      ids.push(operation.operationId!);
    }
  }
  t.equal(new Set(ids).size, ids.length, 'operationIds are unique');
  t.equal(document.paths['/v1/agreements']?.get?.operationId, 'listAgreements', 'the names the issue promised');
  t.equal(document.paths['/v1/agencies/{id}']?.get?.operationId, 'getAgency');
  t.same(document.security, [], 'public: no operation needs credentials');
  t.ok(
    document.servers?.length && document.servers.every((server) => server.url.startsWith('/')),
    'the server URL is relative',
  );
});
