// /v1/states and /v1/states/{code} (postal code, name or FIPS).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { fieldColumns } from '../../http/csv.ts';
import { notFound } from '../../http/problem.ts';
import { canonicalKey, parseFilters, rejectUnknown } from '../../query/grammar.ts';
import { findState } from '../../reference/states.ts';
import { countiesByState, countySummaries, emptySummary, listStates, stateSummaries, type AgreementSummary, type StateRecord } from '../../repositories/reference.ts';
import { jsonResponse, QUERY_PARAMETERS, querySchema } from '../../schemas/common.ts';
import { StateListResponseSchema, StateResponseSchema } from '../../schemas/geography.ts';
import { itemBody, rawQuery, smallCollection } from './common.ts';
import { summaryColumns } from './summaries.ts';

type StateRow = StateRecord & AgreementSummary;

export async function stateRoutes(app: FastifyInstance): Promise<void> {
  const pool = app.db.pool;
  smallCollection<StateRow, { as_of?: string }>(app, {
    path: '/states',
    tags: ['geography'],
    summary: 'States and territories',
    description: 'Every state and territory with a summary of the agreements its agencies hold (on as_of when given).',
    querystring: querySchema(['as_of']),
    schema: StateListResponseSchema,
    columns: [...fieldColumns<StateRow>(['code', 'name', 'fips', 'is_territory', 'lat', 'lon']), ...summaryColumns<StateRow>()],
    parse(raw) {
      rejectUnknown(raw, ['as_of']);
      return parseFilters(raw, ['as_of']);
    },
    async load({ as_of: asOf }) {
      const [states, summaries] = await Promise.all([listStates(pool), stateSummaries(pool, asOf)]);
      return { data: states.map((state) => ({ ...state, ...(summaries.get(state.code) ?? emptySummary()) })), asOf };
    },
  });

  app.get(
    '/states/:code',
    {
      schema: {
        tags: ['geography'],
        summary: 'One state, with its counties',
        params: z.object({ code: z.string().max(100).describe('Postal code (TX), name (Texas) or FIPS (48), in any case.') }),
        querystring: z.object({ as_of: QUERY_PARAMETERS.as_of }),
        response: jsonResponse(StateResponseSchema, 'The state with its summary and counties.', true),
      },
    },
    async (request, reply) => {
      const raw = rawQuery(request);
      rejectUnknown(raw, ['as_of']);
      const { as_of: asOf } = parseFilters(raw, ['as_of']);
      const known = findState((request.params as { code: string }).code);
      if (!known) throw notFound(`no state or territory ${JSON.stringify((request.params as { code: string }).code)} (use a postal code, name or FIPS code)`);
      return app.restCache.respond(request, reply, 'json', canonicalKey({ route: 'state', code: known.code, asOf }), async () => {
        const [states, summaries, counties] = await Promise.all([
          listStates(pool),
          stateSummaries(pool, asOf, [known.code]),
          countiesByState(pool, [known.code]),
        ]);
        const state = states.find((candidate) => candidate.code === known.code);
        if (!state) throw notFound(`no state ${known.code}`);
        const countyTotals = await countySummaries(pool, asOf, counties.map((county) => county.fips));
        return itemBody(
          app,
          {
            ...state,
            ...(summaries.get(state.code) ?? emptySummary()),
            counties: counties.filter((county) => countyTotals.has(county.fips)).map((county) => ({ ...county, ...countyTotals.get(county.fips)! })),
          },
          asOf,
        );
      });
    },
  );
}
