// A stand-in for ice.gov on a real local port, as untidy as the real one:
// - the 287(g) page links one list as /file-download/download/public/<id>
//   (its name only in Content-Disposition), with ETag support for conditional GETs;
// - like ICE's CDN, it answers 403 to a client whose User-Agent is not a browser's;
// - `pageHangs` page requests are never answered; then `pageFailures` are statuses the page
//   answers first, one per request (e.g. [503, 503]);
// - `moved`: the page has moved (a 301 to a new address, relative links there), and its
//   list link, wrapped by Outlook's SafeLinks, points under /doclib/…/287g/ to a file
//   whose name carries a time stamp ("participatingAgencies04212026am 12.15.07 AM.xlsx").
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Test } from 'tap';

export interface IceSite {
  base: string;
  pageUrl: string;
  listUrl: string;
  /** Every request, with whether it was conditional and the client's headers. */
  hits: { url: string; conditional: boolean; userAgent: string; accept: string }[];
  /** Statuses the page answers, in order, before it answers normally. */
  pageFailures: number[];
  /** Page requests left unanswered (a server that hangs), before the failures above. */
  pageHangs: number;
  /** Serve the moved page, with a SafeLinks-wrapped /doclib/ link. */
  moved: boolean;
  /** The list the moved page links, and its file name. */
  movedList: { buffer: Buffer; fileName: string; lastModified: string } | null;
}

/** What ICE's CDN lets through: browsers. */
const BROWSER = /^Mozilla\/5\.0 \(/;

export async function startIceSite(t: Test, list: Buffer, fileName: string): Promise<IceSite> {
  const site: Omit<IceSite, 'base' | 'pageUrl' | 'listUrl'> = {
    hits: [],
    pageFailures: [],
    pageHangs: 0,
    moved: false,
    movedList: null,
  };
  const server = createServer((request, response) => {
    const userAgent = request.headers['user-agent'] ?? '';
    site.hits.push({
      url: request.url!,
      conditional: Boolean(request.headers['if-none-match']),
      userAgent,
      accept: request.headers.accept ?? '',
    });
    const base = `http://${request.headers.host}`;
    if (!BROWSER.test(userAgent)) {
      response.statusCode = 403;
      response.end('Access Denied');
      return;
    }
    const path = decodeURIComponent(request.url!);
    if (path === '/identify-and-arrest/287g' && site.pageHangs > 0) {
      site.pageHangs--; // never answered: the client's time limit must end it
    } else if (path === '/identify-and-arrest/287g' && site.pageFailures.length > 0) {
      response.statusCode = site.pageFailures.shift()!;
      response.end();
    } else if (path === '/identify-and-arrest/287g' && site.moved) {
      response.statusCode = 301;
      response.setHeader('location', '/identify-and-arrest/287g-program');
      response.end();
    } else if (path === '/identify-and-arrest/287g-program') {
      const target = `${base}/doclib/about/offices/ero/287g/${encodeURIComponent(site.movedList!.fileName)}`;
      const wrapped = `https://gcc02.safelinks.protection.outlook.com/?url=${encodeURIComponent(target)}&amp;data=05%7C02%7CERO287g%40ice.dhs.gov&amp;reserved=0`;
      response.setHeader('content-type', 'text/html');
      response.end(`<a href="/about">About</a> <a href="${wrapped}">Participating agencies</a>`);
    } else if (site.movedList && path === `/doclib/about/offices/ero/287g/${site.movedList.fileName}`) {
      response.setHeader('last-modified', site.movedList.lastModified);
      response.end(site.movedList.buffer);
    } else if (path === '/identify-and-arrest/287g') {
      response.setHeader('content-type', 'text/html');
      response.end('<a href="/file-download/download/public/12345">Participating agencies</a> <a href="/about">x</a>');
    } else if (path === '/file-download/download/public/12345') {
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
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // the hung requests too
      }),
  );
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(site, {
    base,
    pageUrl: `${base}/identify-and-arrest/287g`,
    listUrl: `${base}/file-download/download/public/12345`,
  });
}
