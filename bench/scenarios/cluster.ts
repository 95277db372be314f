import { benchRedis, onFreshPostgres } from '../lib/postgres.js';
import type { Child } from '../lib/processes.js';
import { startRatifyOn } from '../lib/ratify.js';
import type { Settings } from '../lib/settings.js';
import { round } from '../lib/stats.js';
import { advance, fanoutAgreement, measureFanout } from './fanout.js';

/**
 * Two instances on one PostgreSQL and one Redis (README "Running in production"): the
 * subscribers of fanout10k split between them, and the changes made on each in turn, so that
 * half of every change's subscribers hear of it through Redis. The p99 latency is read against
 * the single instance's of fanout10k in the same run (`ratio`, in run.ts); gap-free, every
 * subscriber received every change, in sequence. Skipped, and said so, without PostgreSQL or
 * Redis (BENCH_POSTGRES_URL, BENCH_REDIS_URL).
 */
export async function clusterScenario(
  settings: Settings,
): Promise<Record<string, string | number>> {
  const redis = await benchRedis();
  if ('skipped' in redis) return redis;
  return onFreshPostgres(async (url) => {
    const count = settings.bigFanoutSubscribers;
    const changes = Math.max(2, settings.bigFanoutChanges);
    const env = { REDIS_URL: redis.url, MAX_CONNECTIONS_PER_ADDRESS: String(count + 100) };
    const servers: Child[] = [];
    try {
      servers.push(await startRatifyOn(url, env));
      servers.push(await startRatifyOn(url, env));
      const id = await fanoutAgreement(servers[0]);
      const r = await measureFanout(
        { servers, change: (k) => advance(servers[k % servers.length], id, k) },
        id,
        count,
        changes,
        count > 5000 ? 1000 : 2000,
      );
      return {
        instances: servers.length,
        subscribers: count,
        delivered: r.delivered,
        expected: count * changes,
        p99_ms: round(r.p99Ms),
        gap_free: String(r.gapFree),
        subscribe_failures: r.failures,
      };
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }
  });
}
