import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, dialect, SKIPPED_BECAUSE } from './support/databases.js';
import { TestServer, waitUntil } from './support/server.js';
import { TcpProxy } from './support/tcp-proxy.js';

/** Operating Ratify (README, "Operating Ratify"): readiness, metrics, logs. */

const ready = async (server: TestServer) => {
  const response = await fetch(`${server.url}/health/ready`);
  return { status: response.status, body: (await response.json()) as any };
};

describe('/health/ready', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start({ seedDemo: false });
  });
  afterAll(() => server.dispose());

  it('is 200 when the database answers with every migration applied', async () => {
    expect(await ready(server)).toEqual({
      status: 200,
      body: expect.objectContaining({
        status: 'ok',
        info: {
          database: { status: 'up' },
          migrations: { status: 'up', applied: expect.any(Number) },
        },
      }),
    });
  });

  it('is 503 naming a migration that is not applied, and 200 once it is again', async () => {
    const rename = (from: string, to: string) =>
      server.database.exec(`UPDATE "migrations" SET "name" = '${to}' WHERE "name" = '${from}'`);
    await rename('Procedures1765100000000', 'Gone1765100000000');
    try {
      const { status, body } = await ready(server);
      expect(status).toBe(503);
      expect(body.error).toEqual({
        migrations: expect.objectContaining({
          status: 'down',
          reason: expect.stringMatching(
            /^1 of \d+ migrations are not applied: Procedures1765100000000$/,
          ),
        }),
      });
    } finally {
      await rename('Gone1765100000000', 'Procedures1765100000000');
    }
    expect((await ready(server)).status).toBe(200);
  });
});

const onPostgres = dialect === 'postgres' && !!process.env.REDIS_URL;
(onPostgres ? describe : describe.skip)(
  onPostgres
    ? '/health/ready when what it needs goes away'
    : `/health/ready when what it needs goes away: skipped ${SKIPPED_BECAUSE}`,
  () => {
    let database: Awaited<ReturnType<typeof createTestDatabase>>;
    let postgres: TcpProxy;
    let redis: TcpProxy;
    let server: TestServer;
    beforeAll(async () => {
      database = await createTestDatabase();
      const pgUrl = new URL(database.url);
      postgres = await TcpProxy.start(pgUrl.hostname, Number(pgUrl.port || 5432));
      const redisUrl = new URL(process.env.REDIS_URL!);
      redis = await TcpProxy.start(redisUrl.hostname, Number(redisUrl.port || 6379));
      server = await TestServer.start({
        database: { ...database, url: postgres.rewrite(database.url) },
        seedDemo: false,
        env: { REDIS_URL: redis.rewrite(process.env.REDIS_URL!) },
      });
    });
    afterAll(async () => {
      postgres.restore();
      redis.restore();
      await server.close();
      await Promise.all([postgres.close(), redis.close()]);
      await database.drop();
    });

    it('is 503 while the database is gone, with the reason, and 200 once it is back', async () => {
      // Ready once Redis has connected too: an instance starts before it has.
      await waitUntil(async () => (await ready(server)).status === 200);
      expect(await ready(server)).toMatchObject({
        status: 200,
        body: { info: { redis: { status: 'up' } } },
      });
      postgres.cut();
      const gone = await ready(server);
      expect(gone.status).toBe(503);
      expect(gone.body.error.database).toEqual({
        status: 'down',
        reason: 'the database does not answer',
      });
      expect(JSON.stringify(gone.body)).not.toContain(String(postgres.port));
      postgres.restore();
      await waitUntil(async () => (await ready(server)).status === 200, 10_000);
    });

    it('is 503 while Redis is gone, and 200 once it is back', async () => {
      redis.cut();
      await waitUntil(async () => (await ready(server)).status === 503, 5000);
      expect((await ready(server)).body.error).toEqual({
        redis: { status: 'down', reason: 'Redis does not answer' },
      });
      redis.restore();
      await waitUntil(async () => (await ready(server)).status === 200, 15_000);
    });
  },
);
