// The layers of src/ (docs/architecture.md), checked in CI: `npm run depcruise`.
// Read each rule as "this floor may not use that one". From the top:
//   entry points (server.ts, app.ts, cli/, routes/, plugins/)
//   resources/, graphql/
//   cache/, http/
//   repositories/, renderers/, schemas/
//   query/
//   database/, reference/, records/, domain/
// ingestion/ and releases/ are applications on the same lower floors: only the
// entry points use them.
const ABOVE_QUERY = '^src/(resources|graphql|cache|http|routes|plugins|cli|ingestion|releases|pages)/|^src/(app|server)[.]ts$';
const ENTRY_POINTS = '^src/(cli|routes|plugins)/|^src/(app|server)[.]ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle (type-only imports included) means two files are one concern, or a type lives on the wrong floor.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-orphans',
      severity: 'error',
      comment: 'A file nothing imports is dead, or an entry point to list here.',
      from: {
        orphan: true,
        pathNot: ['[.]d[.]ts$', '^src/server[.]ts$', '^src/cli/', '[.]json$'],
      },
      to: {},
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'domain/ (agency names, states, enums, durations) imports nothing else of the project.',
      from: { path: '^src/domain/' },
      to: { path: '^src/', pathNot: '^src/domain/' },
    },
    {
      name: 'foundations-stay-down',
      severity: 'error',
      comment: 'records/, reference/ and database/ use only each other, domain/ and the validated configuration.',
      from: { path: '^src/(records|reference|database)/' },
      to: { path: '^src/', pathNot: '^src/(domain|records|reference|database)/|^src/(config|version)[.]ts$' },
    },
    {
      name: 'query-stays-down',
      severity: 'error',
      comment: 'query/ (grammar, SQL, paging) is below everything that serves or writes data.',
      from: { path: '^src/query/' },
      to: { path: `${ABOVE_QUERY}|^src/(repositories|renderers|schemas)/` },
    },
    {
      name: 'repositories-renderers-schemas-stay-down',
      severity: 'error',
      comment: 'Repositories, renderers and Zod schemas never reach the floors above them, nor the applications.',
      from: { path: '^src/(repositories|renderers|schemas)/' },
      to: { path: '^src/(resources|graphql|cache|routes|plugins|cli|ingestion|releases|pages)/|^src/(app|server)[.]ts$' },
    },
    {
      name: 'renderers-know-rows-not-resources',
      severity: 'error',
      comment: 'A renderer is handed rows and columns; the resource imports the renderers, never the reverse.',
      from: { path: '^src/renderers/' },
      to: { path: '^src/(repositories|resources)/' },
    },
    {
      name: 'http-cache-below-resources',
      severity: 'error',
      comment: 'cache/ and http/ are helpers of the resources and GraphQL, not their users.',
      from: { path: '^src/(cache|http)/' },
      to: { path: '^src/(resources|graphql|routes|cli|ingestion|releases|pages)/|^src/(app|server)[.]ts$' },
    },
    {
      name: 'http-below-cache',
      severity: 'error',
      from: { path: '^src/http/' },
      to: { path: '^src/(cache|plugins)/' },
    },
    {
      name: 'apis-not-entry-points',
      severity: 'error',
      comment: 'resources/ and graphql/ are mounted by the entry points; they never import them.',
      from: { path: '^src/(resources|graphql)/' },
      to: { path: '^src/(routes|cli|ingestion|releases|pages)/|^src/(app|server)[.]ts$' },
    },
    {
      name: 'applications-from-entry-points-only',
      severity: 'error',
      comment: 'Only the entry points (server, app, cli/, routes/, plugins/) use ingestion/ and releases/.',
      from: { pathNot: `${ENTRY_POINTS}|^src/ingestion/|^src/releases/|^(test|bench|scripts|examples)/` },
      to: { path: '^src/(ingestion|releases)/' },
    },
    {
      name: 'applications-apart',
      severity: 'error',
      comment: 'Ingestion and releases stand side by side; the CLI or the scheduler chains them.',
      from: { path: '^src/ingestion/' },
      to: { path: '^src/(releases|cli|routes|resources|graphql|cache|plugins|pages)/|^src/(app|server)[.]ts$' },
    },
    {
      name: 'releases-apart',
      severity: 'error',
      from: { path: '^src/releases/' },
      to: { path: '^src/(ingestion|cli|routes|resources|graphql|cache|plugins|pages)/|^src/(app|server)[.]ts$' },
    },
    {
      name: 'not-to-dev-dependencies',
      severity: 'error',
      comment: 'The service runs without devDependencies.',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    reporterOptions: {
      dot: { collapsePattern: '^src/[^/]+/|^src/[^/]+[.]ts$' },
      archi: { collapsePattern: '^src/[^/]+/|^src/[^/]+[.]ts$' },
    },
  },
};
