// A stand-in for ice.gov on a real local port: the 287(g) page linking one
// list as /file-download/download/public/<id> (name only in
// Content-Disposition), with ETag support for conditional GETs.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Test } from 'tap';

export interface IceSite {
  base: string;
  pageUrl: string;
  listUrl: string;
  /** Every request, with whether it was conditional. */
  hits: { url: string; conditional: boolean }[];
}

export async function startIceSite(t: Test, list: Buffer, fileName: string): Promise<IceSite> {
  const hits: IceSite['hits'] = [];
  const server = createServer((request, response) => {
    hits.push({ url: request.url!, conditional: Boolean(request.headers['if-none-match']) });
    if (request.url === '/identify-and-arrest/287g') {
      response.setHeader('content-type', 'text/html');
      response.end('<a href="/file-download/download/public/12345">Participating agencies</a> <a href="/about">x</a>');
    } else if (request.url === '/file-download/download/public/12345') {
      if (request.headers['if-none-match'] === '"v1"') {
        response.statusCode = 304;
        response.end();
        return;
      }
      response.setHeader('etag', '"v1"');
      response.setHeader('last-modified', 'Sat, 01 Mar 2025 18:00:00 GMT');
      response.setHeader('content-disposition', `attachment; filename="${fileName}"`);
      response.end(list);
    } else {
      response.statusCode = 404;
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, pageUrl: `${base}/identify-and-arrest/287g`, listUrl: `${base}/file-download/download/public/12345`, hits };
}
