import { join } from 'node:path';
import { gql, type Child } from '../lib/processes.js';
import { createAgreements, scratch, startRatify } from '../lib/ratify.js';
import { round } from '../lib/stats.js';

const LIST = `query ($first: Int) { agreements(first: $first) { totalCount edges { cursor node {
  id title stage version parties { code name approvalStatus } availableActions } } } }`;

async function sqlCount(ratify: Child): Promise<number> {
  const health = (await (await fetch(`${ratify.url}/health`)).json()) as { sqlQueries: number };
  return health.sqlQueries;
}

/**
 * SQL statements per `agreements(first: 10)` and `(first: 100)`: equal when there is no N+1.
 * The read cache is off, or it would answer the repeats without reading anything.
 */
export async function listScenario() {
  const ratify = await startRatify(join(scratch(), 'ratify.sqlite'), {
    COUNT_SQL_QUERIES: 'true',
    READ_CACHE_ENTRIES: '0',
  });
  try {
    await createAgreements(ratify, 110);
    const perRequest = async (first: number) => {
      const requests = 5;
      const before = await sqlCount(ratify);
      for (let i = 0; i < requests; i += 1) {
        await gql(ratify.graphqlUrl, LIST, { first });
      }
      // The second reading counts its own health check's SELECT 1.
      return round(((await sqlCount(ratify)) - before - 1) / requests);
    };
    return { sql_per_request_10: await perRequest(10), sql_per_request_100: await perRequest(100) };
  } finally {
    await ratify.stop();
  }
}
