import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { advanceLoad } from '../lib/advance-load.js';
import { interleave, load } from '../lib/load.js';
import { gql, type Child } from '../lib/processes.js';
import {
  createAgreements,
  startRatifyOn,
  startStatusBaseline,
  STATUS_QUERY,
  statusAgreement,
} from '../lib/ratify.js';
import type { Settings } from '../lib/settings.js';
import { round } from '../lib/stats.js';

/**
 * Ratify on PostgreSQL (the production setup), no target: the status query with the read cache
 * off against bare-apollo answering the same bytes, in rounds taken in turn, and the writes load
 * of the writes scenario. On a fresh database of the server at BENCH_POSTGRES_URL (by default
 * the local one), dropped after; skipped, and said so, when there is none.
 */
export async function postgresScenario(
  settings: Settings,
): Promise<Record<string, string | number>> {
  const server = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = new pg.Client({ connectionString: server });
  try {
    await admin.connect();
  } catch (error) {
    return { skipped: `no PostgreSQL at ${server}: ${(error as Error).message}` };
  }
  const name = `ratify_bench_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  const children: Child[] = [];
  try {
    const ratify = await startRatifyOn(url.toString(), { READ_CACHE_ENTRIES: '0' });
    children.push(ratify);
    const id = await statusAgreement(ratify);
    const ids = await createAgreements(ratify, 64);
    const apollo = await startStatusBaseline('bare-apollo', ratify, id);
    children.push(apollo);
    const body = JSON.stringify({ query: STATUS_QUERY, variables: { id } });
    const query = (child: Child) => (seconds: number) =>
      load({ url: child.graphqlUrl, connections: 20, seconds, body });
    for (const child of [ratify, apollo]) {
      await query(child)(settings.warmupSeconds);
    }
    const { ratify: q, apollo: a } = await interleave(
      { ratify: query(ratify), apollo: query(apollo) },
      settings.seconds,
      settings.rounds,
    );
    const writes = advanceLoad(ratify, ids, async (agreementId) => {
      const data = await gql<{ agreement: { stage: string } }>(
        ratify.graphqlUrl,
        `query ($id: ID!) { agreement(id: $id) { stage } }`,
        { id: agreementId },
      );
      return data.agreement.stage;
    });
    await writes(settings.warmupSeconds);
    const w = await writes(settings.seconds);
    return {
      query_rps: round(q.rps),
      apollo_rps: round(a.rps),
      query_ratio_vs_apollo: round(q.rps / a.rps),
      query_p99_ms: q.p99Ms,
      writes_tps: round(w.rps),
      writes_p99_ms: w.p99Ms,
      errors: q.errors + a.errors + w.errors,
    };
  } finally {
    await Promise.all(children.map((child) => child.stop()));
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}
