// Every answer in the coding Accept-Encoding asks for (src/http/compression.ts): brotli or gzip when asked, the same
// bytes once decompressed, Vary: Accept-Encoding, an ETag per coding that revalidates to 304 in that coding only, and
// the same on the path that answers repeats in front of Fastify (a real port: app.inject skips it). Release files
// are sent as stored, with their SHA-256 ETag.
import { request as httpRequest } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import t from 'tap';
import { ensureCurrentRelease } from '../../src/releases/store.ts';
import { PAGE_VALUES } from '../../src/routes/pages.ts';
import { testApp } from '../helpers/app.ts';
import { seedHistory } from '../helpers/fixtures.ts';

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const NESTED =
  '{ agencies(first: 5) { totalCount edges { node { id name agreements(first: 2) { edges { node { id status } } } } } } }';

function decompress(encoding: string | undefined, body: Buffer): Buffer {
  if (encoding === 'br') return brotliDecompressSync(body);
  if (encoding === 'gzip') return gunzipSync(body);
  return body;
}

interface Asked {
  label: string;
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  status?: number;
}

t.test('every kind of answer comes compressed when asked, the same bytes once decompressed', async (t) => {
  const { app, database } = await testApp(t);
  await seedHistory(database.pool);
  await app.dataset.refresh();
  const graphqlBody = JSON.stringify({ query: NESTED });
  const answers: Asked[] = [
    { label: 'JSON page', url: '/v1/agreements?limit=5' },
    { label: 'JSON item', url: '/v1/stats' },
    { label: 'CSV by Accept', url: '/v1/agreements', headers: { accept: 'text/csv' } },
    { label: 'CSV file', url: '/v1/agreements.csv' },
    { label: 'GeoJSON', url: '/v1/agreements.geojson' },
    { label: 'county GeoJSON', url: '/v1/counties.geojson' },
    { label: 'streamed bulk NDJSON', url: '/v1/bulk/agreements.ndjson' },
    { label: 'streamed bulk CSV', url: '/v1/bulk/agreements.csv' },
    { label: 'changes CSV', url: '/v1/changes.csv' },
    { label: 'changes TSV', url: '/v1/changes.tsv' },
    { label: 'Atom feed', url: '/v1/changes.atom' },
    { label: 'JSON Feed', url: '/v1/changes.jsonfeed' },
    {
      label: 'GraphQL POST',
      url: '/graphql',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: graphqlBody,
    },
    { label: 'GraphQL GET', url: `/graphql?query=${encodeURIComponent(NESTED)}` },
    { label: 'the explorer', url: '/', headers: { accept: BROWSER_ACCEPT } },
    { label: 'the explorer in Spanish', url: '/?lang=es', headers: { accept: BROWSER_ACCEPT } },
    { label: 'an agency page', url: '/agencies/x' },
    { label: 'an embed', url: '/embed/map?state=FL' },
    {
      label: 'oEmbed',
      url: `/oembed?url=${encodeURIComponent('http://news.example/?state=FL')}`,
      headers: { host: 'news.example' },
    },
    { label: "the explorer's script", url: '/explorer/explorer.js' },
    { label: "the explorer's style sheet", url: '/explorer/explorer.css' },
    { label: 'the favicon', url: '/favicon.ico' },
    { label: 'a browser library', url: '/vendor/react.production.min.js' },
    { label: "the explorer's map", url: `${PAGE_VALUES.mapShapes}US.json` },
    { label: 'GraphiQL', url: '/graphiql' },
    { label: "GraphiQL's script", url: '/graphiql/graphiql.js' },
    { label: 'the API index', url: '/' },
    { label: 'the v1 index', url: '/v1' },
    { label: 'OpenAPI', url: '/openapi.json' },
    { label: 'a problem', url: '/v1/agreements?limit=abc', status: 400 },
    { label: 'a 404 problem', url: '/v1/no-such-thing', status: 404 },
  ];
  for (const asked of answers) {
    const send = (encoding?: string) =>
      app.inject({
        method: asked.method ?? 'GET',
        url: asked.url,
        headers: { ...asked.headers, ...(encoding ? { 'accept-encoding': encoding } : {}) },
        ...(asked.body ? { payload: asked.body } : {}),
      });
    const plain = await send();
    t.equal(plain.statusCode, asked.status ?? 200, `${asked.label}: answers`);
    t.notOk(plain.headers['content-encoding'], `${asked.label}: not compressed when not asked`);
    t.match(plain.headers.vary, /Accept-Encoding/i, `${asked.label}: Vary names Accept-Encoding`);
    for (const [header, encoding] of [
      ['gzip, deflate, br, zstd', 'br'],
      ['gzip', 'gzip'],
      ['br;q=0.5, gzip', 'gzip'],
    ] as const) {
      const compressed = await send(header);
      t.equal(
        compressed.headers['content-encoding'],
        encoding,
        `${asked.label}: ${encoding} for Accept-Encoding: ${header}`,
      );
      t.match(compressed.headers.vary, /Accept-Encoding/i);
      t.ok(
        decompress(encoding, compressed.rawPayload).equals(plain.rawPayload),
        `${asked.label}: the same bytes once decompressed (${encoding})`,
      );
      if (plain.rawPayload.length > 10_000)
        t.ok(
          compressed.rawPayload.length < plain.rawPayload.length / 2,
          `${asked.label}: under half the size in ${encoding}`,
        );
    }
    t.notOk(
      (await send('identity, br;q=0')).headers['content-encoding'],
      `${asked.label}: not compressed when refused`,
    );
  }
});

t.test('each coding has its own ETag, and a revalidation answers 304 in that coding only', async (t) => {
  const { app, database } = await testApp(t);
  await seedHistory(database.pool);
  await app.dataset.refresh();
  for (const url of [
    '/v1/agreements?limit=5',
    '/v1/bulk/agreements.csv',
    `/graphql?query=${encodeURIComponent(NESTED)}`,
    '/explorer/explorer.js',
  ]) {
    const etags = new Map<string, string>();
    for (const encoding of ['identity', 'br', 'gzip']) {
      const answer = await app.inject({ url, headers: { 'accept-encoding': encoding } });
      t.equal(answer.statusCode, 200);
      etags.set(encoding, answer.headers.etag as string);
    }
    t.equal(new Set(etags.values()).size, 3, `${url}: three codings, three ETags`);
    if (!url.includes('bulk') && !url.startsWith('/graphql')) {
      const [get, head] = await Promise.all([
        app.inject({ url, headers: { 'accept-encoding': 'br' } }),
        app.inject({ method: 'HEAD', url, headers: { 'accept-encoding': 'br' } }),
      ]);
      t.equal(
        head.headers['content-length'],
        String(get.rawPayload.length),
        `${url}: HEAD gives the compressed length`,
      );
      t.equal(head.headers['content-encoding'], 'br');
    }
    for (const [encoding, etag] of etags) {
      const revalidated = await app.inject({ url, headers: { 'accept-encoding': encoding, 'if-none-match': etag } });
      t.equal(revalidated.statusCode, 304, `${url}: 304 for the ${encoding} ETag in ${encoding}`);
      t.equal(revalidated.headers.etag, etag);
      t.match(revalidated.headers.vary, /Accept-Encoding/i);
      const other = encoding === 'br' ? 'gzip' : 'br';
      const elsewhere = await app.inject({ url, headers: { 'accept-encoding': other, 'if-none-match': etag } });
      t.equal(elsewhere.statusCode, 200, `${url}: the ${encoding} ETag does not revalidate a ${other} answer`);
      t.equal(elsewhere.headers['content-encoding'], other);
    }
  }
});

t.test('release files are sent as stored, with their SHA-256 ETag', async (t) => {
  const { app, database } = await testApp(t);
  await seedHistory(database.pool);
  await app.dataset.refresh();
  const { version } = (await ensureCurrentRelease(database.pool, 'https://data.example.org'))!;
  const manifest = (await app.inject(`/v1/releases/${version}`)).json() as {
    data: { files: { name: string; sha256: string; bytes?: number }[] };
  };
  for (const name of ['agreements.csv', 'release.zip']) {
    const file = manifest.data.files.find((candidate) => candidate.name === name)!;
    const answer = await app.inject({
      url: `/v1/releases/${version}/${name}`,
      headers: { 'accept-encoding': 'gzip, br' },
    });
    t.equal(answer.statusCode, 200);
    t.notOk(answer.headers['content-encoding'], `${name}: as stored`);
    t.equal(answer.headers.etag, `"${file.sha256}"`, `${name}: its SHA-256`);
    t.equal(
      (
        await app.inject({
          url: `/v1/releases/${version}/${name}`,
          headers: { 'accept-encoding': 'br', 'if-none-match': `"${file.sha256}"` },
        })
      ).statusCode,
      304,
    );
  }
});

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A request on a real connection, the body as it came over the wire (fetch would decompress it). */
function raw(url: string, headers: Record<string, string>, method = 'GET'): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const sent = httpRequest(url, { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }),
      );
      response.on('error', reject);
    });
    sent.on('error', reject);
    sent.end();
  });
}

// Headers that differ between two answers by design.
const PER_REQUEST = new Set([
  'x-request-id',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'date',
  'x-cache',
  'connection',
  'keep-alive',
]);
const comparable = (headers: RawAnswer['headers']) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !PER_REQUEST.has(name)));

t.test('repeats answered in front of Fastify come in the asked coding too', async (t) => {
  const { app, database } = await testApp(t);
  await seedHistory(database.pool);
  await app.dataset.refresh();
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `${base}/v1/agreements?limit=20`;
  const plain = await raw(url, {});
  for (const encoding of ['br', 'gzip']) {
    const first = await raw(url, { 'accept-encoding': encoding });
    const repeat = await raw(url, { 'accept-encoding': encoding });
    t.equal(repeat.headers['content-encoding'], encoding);
    t.ok(repeat.body.equals(first.body), `${encoding}: the same bytes as the first answer`);
    t.ok(decompress(encoding, repeat.body).equals(plain.body), `${encoding}: the identity answer once decompressed`);
    t.same(comparable(repeat.headers), comparable(first.headers), `${encoding}: the same headers`);
    const head = await raw(url, { 'accept-encoding': encoding }, 'HEAD');
    t.equal(head.headers['content-length'], String(first.body.length), `${encoding}: HEAD gives the compressed length`);
    const revalidated = await raw(url, { 'accept-encoding': encoding, 'if-none-match': first.headers.etag as string });
    t.equal(revalidated.status, 304);
    t.equal(revalidated.headers.etag, first.headers.etag);
  }
  const plainRepeat = await raw(url, {});
  t.notOk(plainRepeat.headers['content-encoding'], 'identity still for a client that does not ask');
  t.ok(plainRepeat.body.equals(plain.body));

  // A GraphQL POST repeat (answered in front by its body) too.
  const post = (encoding: string) =>
    new Promise<RawAnswer>((resolve, reject) => {
      const sent = httpRequest(
        `${base}/graphql`,
        { method: 'POST', headers: { 'content-type': 'application/json', 'accept-encoding': encoding } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }),
          );
        },
      );
      sent.on('error', reject);
      sent.end(JSON.stringify({ query: NESTED }));
    });
  const miss = await post('br');
  const hit = await post('br');
  t.equal(hit.headers['x-cache'], 'HIT');
  t.equal(hit.headers['content-encoding'], 'br');
  t.ok(brotliDecompressSync(hit.body).equals(brotliDecompressSync(miss.body)), 'GraphQL: the same answer, compressed');
});
