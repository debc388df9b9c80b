import t from 'tap';
import { testApp } from '../../helpers/app.ts';

t.test('every v1 route answers on an empty database', async (t) => {
  const { app } = await testApp(t);
  for (const url of [
    '/v1/agreements',
    '/v1/agreements.csv',
    '/v1/agreements.geojson',
    '/v1/agencies',
    '/v1/agencies.csv',
    '/v1/agencies.geojson',
    '/v1/states',
    '/v1/states.csv',
    '/v1/states/TX',
    '/v1/counties',
    '/v1/counties.geojson',
    '/v1/counties/48201',
    '/v1/models',
    '/v1/reports',
    '/v1/lists',
    '/v1/changes',
    '/v1/stats',
    '/v1/stats/timeseries',
    '/v1/bulk/agreements.csv',
    '/v1/bulk/agreements.ndjson',
    '/openapi.json',
    '/docs',
  ]) {
    const response = await app.inject(url);
    t.ok(response.statusCode < 400, `${url} ${response.statusCode} ${response.body.slice(0, 300)}`);
  }
  const reports = await app.inject('/v1/reports');
  const id = reports.json().data[0]?.id;
  t.equal((await app.inject(`/v1/reports/${id}`)).statusCode, 200);
});
