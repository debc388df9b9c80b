// After merging a branch made before the layers moved (docs/architecture.md):
// rewrites the relative imports and `src/...` path strings that still name a
// moved file, in every tracked file, then `npm run typecheck` shows what is left.
// Run: node scripts/fix-moved-imports.mjs
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { posix } from 'node:path';

/** Old path -> new path (directories end with /). */
const MOVES = {
  'src/enums.ts': 'src/domain/enums.ts',
  'src/duration.ts': 'src/domain/duration.ts',
  'src/ingestion/cli.ts': 'src/cli/ingest.ts',
  'src/releases/cli.ts': 'src/cli/release.ts',
  'src/http/response-cache.ts': 'src/cache/store.ts',
  'src/plugins/app/response-cache.ts': 'src/cache/plugin.ts',
  'src/graphql/cache.ts': 'src/cache/graphql-keys.ts',
  'src/ingestion/parse/': 'src/ingestion/lists/parse/',
  'src/ingestion/fetch-lists.ts': 'src/ingestion/lists/fetch-lists.ts',
  'src/ingestion/read-list.ts': 'src/ingestion/lists/read-list.ts',
  'src/ingestion/parse-worker.ts': 'src/ingestion/lists/parse-worker.ts',
  'src/ingestion/remote.ts': 'src/ingestion/ingest-urls.ts',
  'src/ingestion/history.ts': 'src/ingestion/history/plan-list.ts',
  'src/ingestion/store.ts': 'src/ingestion/history/history-store.ts',
  'src/ingestion/agency-identity.ts': 'src/domain/agency-names.ts',
  'src/ingestion/agency-overrides.json': 'src/domain/agency-overrides.json',
  'src/ingestion/locate-agency.ts': 'src/ingestion/agencies/place.ts',
  'src/ingestion/historical.ts': 'src/ingestion/historical/load-historical.ts',
  'src/releases/resources.ts': 'src/releases/tables.ts',
  'src/reference/states.ts': 'src/domain/states.ts',
  'src/database/schema-engine.ts': 'scripts/database/schema-engine.ts',
  'src/database/temporary-database.ts': 'scripts/database/temporary-database.ts',
};

const newPath = (path) => {
  for (const [from, to] of Object.entries(MOVES)) {
    if (from.endsWith('/') ? path.startsWith(from) : path === from) return to + path.slice(from.length);
  }
  return path;
};
const files = execFileSync('git', ['ls-files'], { encoding: 'utf8' })
  .split('\n')
  .filter(
    (file) =>
      /\.(ts|mjs|cjs|js|md|json)$|^\.ci\/run$|Dockerfile$/.test(file) &&
      !file.includes('node_modules') &&
      file !== 'package-lock.json' &&
      file !== 'CHANGELOG.md',
  );
const SPEC = /(from\s+'|import\(\s*'|new URL\(\s*'|import\s+')(\.\.?\/[^']*)'/g;
let changed = 0;
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  let out = /\.(ts|mjs|cjs|js)$/.test(file)
    ? text.replace(SPEC, (match, before, spec) => {
        const target = posix.normalize(posix.join(posix.dirname(file), spec));
        const moved = newPath(target);
        if (moved === target) return match;
        let relative = posix.relative(posix.dirname(file), moved);
        if (!relative.startsWith('.')) relative = `./${relative}`;
        return `${before}${relative}'`;
      })
    : text;
  for (const [from, to] of Object.entries(MOVES)) if (!from.endsWith('/')) out = out.split(from).join(to);
  if (out !== text) {
    writeFileSync(file, out);
    changed++;
    console.log(`rewrote ${file}`);
  }
}
console.log(`${changed} files rewritten`);
