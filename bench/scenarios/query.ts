import { join } from 'node:path';
import type { Settings } from '../lib/settings.js';
import { interleave, load, observedAgainstUnobserved, pairedRatio } from '../lib/load.js';
import type { Child } from '../lib/processes.js';
import {
  scratch,
  startRatify,
  startStatusBaseline,
  STATUS_QUERY,
  statusAgreement,
  UNOBSERVED,
} from '../lib/ratify.js';
import { round } from '../lib/stats.js';

/**
 * The status query of one agreement (parties, available actions, last five events) under 20
 * connections, against Ratify, bare-apollo and raw-http answering the same bytes, a second Ratify
 * on the same file with its read cache off, all in rounds taken in turn; then Ratify against a
 * second one with logging and metrics off (`UNOBSERVED`), side by side in more rounds
 * (`observedAgainstUnobserved`).
 */
export async function queryScenario(settings: Settings) {
  const dir = scratch();
  const ratify = await startRatify(join(dir, 'ratify.sqlite'));
  const servers: Child[] = [ratify];
  try {
    const id = await statusAgreement(ratify);
    const body = JSON.stringify({ query: STATUS_QUERY, variables: { id } });
    const apollo = await startStatusBaseline('bare-apollo', ratify, id);
    servers.push(apollo);
    const raw = await startStatusBaseline('raw-http', ratify, id);
    servers.push(raw);
    const unobserved = await startRatify(join(dir, 'ratify.sqlite'), UNOBSERVED);
    servers.push(unobserved);
    // The same on a Ratify, on the same file, with its read cache off: what a read costs when
    // the log has just moved.
    const uncached = await startRatify(join(dir, 'ratify.sqlite'), { READ_CACHE_ENTRIES: '0' });
    servers.push(uncached);
    const run = (server: Child, seconds: number) =>
      load({ url: server.graphqlUrl, connections: 20, seconds, body });
    for (const server of [ratify, unobserved, apollo, raw, uncached]) {
      await run(server, settings.warmupSeconds); // JIT and caches, for each server alike
    }
    const measured = await interleave(
      {
        ratify: (seconds) => run(ratify, seconds),
        apollo: (seconds) => run(apollo, seconds),
        raw: (seconds) => run(raw, seconds),
        uncached: (seconds) => run(uncached, seconds),
      },
      settings.seconds,
      settings.rounds,
    );
    const { ratify: r, apollo: a, raw: w, uncached: u } = measured;
    const { observed, unobserved: o } = await observedAgainstUnobserved(
      (seconds) => run(ratify, seconds),
      (seconds) => run(unobserved, seconds),
      settings,
    );
    return {
      ratify_rps: round(r.rps),
      apollo_rps: round(a.rps),
      raw_rps: round(w.rps),
      ratio_vs_apollo: round(r.rps / a.rps),
      p99_ms: r.p99Ms,
      uncached_rps: round(u.rps),
      uncached_ratio_vs_apollo: round(u.rps / a.rps),
      observed_rps: round(observed.rps),
      unobserved_rps: round(o.rps),
      observed_ratio: round(pairedRatio(observed, o)),
      errors: r.errors + a.errors + w.errors + u.errors + observed.errors + o.errors,
    };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}
