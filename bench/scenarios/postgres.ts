import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { advanceLoad } from '../lib/advance-load.js';
import { interleave, load } from '../lib/load.js';
import { onFreshPostgres } from '../lib/postgres.js';
import { gql, type Child } from '../lib/processes.js';
import {
  createAgreements,
  scratch,
  startRatify,
  startRatifyOn,
  startStatusBaseline,
  STATUS_QUERY,
  statusAgreement,
} from '../lib/ratify.js';
import type { Settings } from '../lib/settings.js';
import { round } from '../lib/stats.js';

/**
 * Ratify on PostgreSQL (the production setup): the status query with the read cache off against
 * bare-apollo answering the same bytes, and the writes load of the writes scenario against a
 * Ratify on SQLite (the embedded setup) under the same load, each pair in rounds taken in turn.
 * On a fresh database (`onFreshPostgres`).
 */
export async function postgresScenario(
  settings: Settings,
): Promise<Record<string, string | number>> {
  return onFreshPostgres((url) => measure(url, settings));
}

async function measure(url: string, settings: Settings): Promise<Record<string, string | number>> {
  const children: Child[] = [];
  const dir = scratch();
  try {
    const ratify = await startRatifyOn(url, { READ_CACHE_ENTRIES: '0' });
    children.push(ratify);
    const id = await statusAgreement(ratify);
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
    await apollo.stop();
    const sqlite = await startRatify(join(dir, 'ratify.sqlite'));
    children.push(sqlite);
    /** The writes load on `server`, reading stages back through its API. */
    const writes = async (server: Child) =>
      advanceLoad(server, await createAgreements(server, 64), async (agreementId) => {
        const data = await gql<{ agreement: { stage: string } }>(
          server.graphqlUrl,
          `query ($id: ID!) { agreement(id: $id) { stage } }`,
          { id: agreementId },
        );
        return data.agreement.stage;
      });
    const onPostgres = await writes(ratify);
    const onSqlite = await writes(sqlite);
    await onPostgres(settings.warmupSeconds);
    await onSqlite(settings.warmupSeconds);
    const { postgres: w, sqlite: s } = await interleave(
      { postgres: onPostgres, sqlite: onSqlite },
      settings.seconds,
      settings.rounds,
    );
    return {
      query_rps: round(q.rps),
      apollo_rps: round(a.rps),
      query_ratio_vs_apollo: round(q.rps / a.rps),
      query_p99_ms: q.p99Ms,
      writes_tps: round(w.rps),
      writes_p99_ms: w.p99Ms,
      sqlite_writes_tps: round(s.rps),
      writes_ratio_vs_sqlite: round(w.rps / s.rps),
      errors: q.errors + a.errors + w.errors + s.errors,
    };
  } finally {
    await Promise.all(children.map((child) => child.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}
