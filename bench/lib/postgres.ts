import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';

/**
 * Runs `work` on a fresh database of the PostgreSQL server at BENCH_POSTGRES_URL (by default the
 * local one), dropped after. With no server there, `work` is not run and the scenario's result
 * says why.
 */
export async function onFreshPostgres(
  work: (url: string) => Promise<Record<string, string | number>>,
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
  try {
    return await work(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

/** The Redis server at BENCH_REDIS_URL (by default the local one), or why there is none. */
export async function benchRedis(): Promise<{ url: string } | { skipped: string }> {
  const url = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return { url };
  } catch (error) {
    return { skipped: `no Redis at ${url}: ${(error as Error).message}` };
  } finally {
    client.disconnect();
  }
}
