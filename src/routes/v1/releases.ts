// /v1/releases: citable, immutable dataset versions as files (src/releases/).
// A release's files never change, so they are served with a year-long
// immutable Cache-Control and their SHA-256 as a strong ETag. What moves
// (/v1/releases/latest, the list, a manifest's meta) is cached for a minute.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { badParameter, notFound } from '../../http/problem.ts';
import { entityTag, isNotModified } from '../../cache/validators.ts';
import { LIMIT_DEFAULT, parsePage, rejectUnknown } from '../../query/grammar.ts';
import { decodeCursor, encodeCursor } from '../../query/paging.ts';
import { RELEASE_FILE_NAMES } from '../../releases/build.ts';
import {
  getRelease,
  getReleaseFile,
  latestReleaseVersion,
  listReleases,
  markDownloaded,
  type ReleaseRecord,
} from '../../repositories/index.ts';
import { ERROR_RESPONSES, jsonResponse, NOT_FOUND_RESPONSE, QUERY_PARAMETERS } from '../../schemas/common.ts';
import { ReleaseListResponseSchema, ReleaseResponseSchema } from '../../schemas/releases.ts';
import { rawQuery } from '../../http/request.ts';

const IMMUTABLE = 'public, max-age=31536000, immutable';
const SHORT_CACHE_CONTROL = 'public, max-age=60';

function withUrls(release: ReleaseRecord) {
  return {
    ...release,
    files: release.files.map((file) => ({ ...file, url: `/v1/releases/${release.version}/${file.name}` })),
  };
}

function versionParameter(text: string): number {
  if (!/^\d{1,9}$/.test(text))
    throw badParameter('version', `"${text}" is not a release version (a whole number, or latest)`);
  return Number(text);
}

export async function releaseRoutes(app: FastifyInstance): Promise<void> {
  const pool = app.db.pool;
  const downloaded = new Set<number>();

  function meta(asOf: string | null) {
    return { dataset_version: app.dataset.current().version, as_of: asOf };
  }

  async function latest(): Promise<number> {
    const version = await latestReleaseVersion(pool);
    if (version === null) throw notFound('no release yet: one is made when an ICE list has been applied');
    return version;
  }

  app.get(
    '/releases',
    {
      schema: {
        tags: ['releases'],
        summary: 'Releases',
        description:
          'Citable, immutable dataset versions, newest first: each with the date of the latest list it includes, its files (CSV, Parquet, a Frictionless data package, CITATION.cff, a README and release.zip) with sizes and SHA-256, and its citation.',
        querystring: z.object({ limit: QUERY_PARAMETERS.limit, cursor: QUERY_PARAMETERS.cursor }),
        response: jsonResponse(ReleaseListResponseSchema, 'A page of releases.'),
      },
    },
    async (request, reply) => {
      const raw = rawQuery(request);
      rejectUnknown(raw, ['limit', 'cursor']);
      // Newest first, with the API's one cursor format (sort, last value, last id).
      const page = parsePage({ limit: raw.limit, cursor: raw.cursor }, ['version'], '-version');
      const before = page.cursor ? Number(decodeCursor(page.cursor, '-version').value) : undefined;
      const rows = await listReleases(pool, { limit: page.limit, ...(before ? { before } : {}) });
      const data = rows.slice(0, page.limit).map(withUrls);
      const last = data.at(-1);
      const cursor =
        last && rows.length > page.limit
          ? encodeCursor({ sort: '-version', value: last.version, id: String(last.version) })
          : null;
      const next = cursor
        ? `/v1/releases?${page.limit !== LIMIT_DEFAULT ? `limit=${page.limit}&` : ''}cursor=${cursor}`
        : null;
      if (next) reply.header('link', `<${next}>; rel="next"`);
      return reply.header('cache-control', SHORT_CACHE_CONTROL).send({ data, links: { next }, meta: meta(null) });
    },
  );

  app.get(
    '/releases/latest',
    {
      schema: {
        tags: ['releases'],
        summary: 'The newest release',
        description:
          'A redirect (302) to the newest release; cached for a minute only, as it moves when a list is applied.',
        response: {
          302: z.null().describe('A redirect; Location: the newest release.'),
          ...ERROR_RESPONSES,
          ...NOT_FOUND_RESPONSE,
        },
      },
    },
    async (_request, reply) =>
      reply.header('cache-control', SHORT_CACHE_CONTROL).redirect(`/v1/releases/${await latest()}`, 302),
  );

  app.get(
    '/releases/latest/:file',
    {
      schema: {
        tags: ['releases'],
        summary: 'A file of the newest release',
        description: 'A redirect (302) to the same file of the newest release.',
        params: z.object({ file: z.string().describe(`File name: ${RELEASE_FILE_NAMES.join(', ')}.`) }),
        response: {
          302: z.null().describe('A redirect; Location: the file in the newest release.'),
          ...ERROR_RESPONSES,
          ...NOT_FOUND_RESPONSE,
        },
      },
    },
    async (request: FastifyRequest<{ Params: { file: string } }>, reply) => {
      const name = request.params.file;
      if (!RELEASE_FILE_NAMES.includes(name)) throw notFound(`a release has no file ${JSON.stringify(name)}`);
      return reply.header('cache-control', SHORT_CACHE_CONTROL).redirect(`/v1/releases/${await latest()}/${name}`, 302);
    },
  );

  app.get(
    '/releases/:version',
    {
      schema: {
        tags: ['releases'],
        summary: 'One release',
        description:
          'The manifest of a release: its version, the date of the latest list it includes, its files and its citation. It never changes.',
        params: z.object({ version: z.string().describe('The release version (a dataset version).') }),
        response: jsonResponse(ReleaseResponseSchema, 'A release.', true),
      },
    },
    async (request: FastifyRequest<{ Params: { version: string } }>, reply) => {
      const version = versionParameter(request.params.version);
      const release = await getRelease(pool, version);
      if (!release) throw notFound(`no release ${version} (GET /v1/releases lists those kept)`);
      return reply
        .header('cache-control', SHORT_CACHE_CONTROL)
        .send({ data: withUrls(release), meta: meta(release.list_date) });
    },
  );

  app.get(
    '/releases/:version/:file',
    {
      // Served as stored: zip and Parquet are compressed already, and each file's ETag is its SHA-256 (src/http/compression.ts).
      config: { compress: false },
      schema: {
        tags: ['releases'],
        summary: 'A file of a release',
        description:
          'The bytes of one file of a release, identical on every request: Cache-Control public, max-age=31536000, immutable and a strong ETag (the SHA-256).',
        params: z.object({
          version: z.string().describe('The release version.'),
          file: z.string().describe(`File name: ${RELEASE_FILE_NAMES.join(', ')}.`),
        }),
        response: {
          200: {
            description: 'The file.',
            content: { 'application/octet-stream': { schema: z.string().describe("The file's bytes.") } },
          },
          ...ERROR_RESPONSES,
          ...NOT_FOUND_RESPONSE,
        },
      },
    },
    async (request: FastifyRequest<{ Params: { version: string; file: string } }>, reply: FastifyReply) => {
      const version = versionParameter(request.params.version);
      const name = request.params.file;
      if (!RELEASE_FILE_NAMES.includes(name)) throw notFound(`a release has no file ${JSON.stringify(name)}`);
      const ifNoneMatch = request.headers['if-none-match'];
      // A revalidation needs the checksum only, not the bytes.
      const file = await getReleaseFile(pool, version, name, ifNoneMatch === undefined);
      if (!file) throw notFound(`no release ${version} (GET /v1/releases lists those kept)`);
      const etag = entityTag(file.sha256);
      reply.header('etag', etag).header('cache-control', IMMUTABLE);
      if (isNotModified(request, etag)) return reply.code(304).send();
      const content =
        ifNoneMatch === undefined ? file.content : (await getReleaseFile(pool, version, name, true))!.content;
      if (request.method === 'GET' && !downloaded.has(version)) {
        await markDownloaded(pool, version);
        downloaded.add(version);
      }
      return reply
        .type(file.media_type)
        .header(
          'content-disposition',
          `${name.endsWith('.zip') ? 'attachment' : 'inline'}; filename="ice-287g-v${version}-${name}"`,
        )
        .send(content);
    },
  );
}
