// A reference of the bench, in a process of its own: Node's HTTP server alone (no framework) answering a response
// the service gave, so that what the service's headers cost is measured apart from Fastify and from the service:
//   GET /plain/:name       its headers and body, the headers handed to writeHead as one list (the service's front
//                          path now sends them as a block made once: src/http/prepared-head.ts),
//   GET /plain-body/:name  its body, with Content-Type, Content-Length and Content-Encoding (when compressed) only.
// Usage: PORT=… BARE_DIR=dir-of-{name}.body+{name}.type+{name}.headers.json node bench/servers/plain.ts
import { createServer } from 'node:http';
import { readStoredAnswers } from './stored-answers.ts';

interface Answer {
  body: Buffer;
  /** name, value, name, value…, as writeHead takes them. */
  whole: string[];
  bodyOnly: string[];
}

const answers = new Map<string, Answer>();
for (const [name, { body, type, headers }] of await readStoredAnswers(process.env.BARE_DIR!)) {
  const own = { 'content-type': type, 'content-length': String(body.length) };
  const coding = headers['content-encoding'];
  answers.set(name, {
    body,
    whole: Object.entries({ ...headers, ...own }).flat(),
    bodyOnly: Object.entries(coding ? { 'content-encoding': coding, ...own } : own).flat(),
  });
}

const server = createServer({ keepAliveTimeout: 72_000 }, (request, response) => {
  const [, route, name] = (request.url ?? '').split('/');
  const answer = answers.get(name ?? '');
  if (!answer || (route !== 'plain' && route !== 'plain-body')) return void response.writeHead(404).end();
  response.writeHead(200, route === 'plain' ? answer.whole : answer.bodyOnly);
  response.end(answer.body);
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'));
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => server.close(() => process.exit(0)));
