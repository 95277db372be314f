import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { AgreementFactory } from './factories/agreement.factory.js';
import { freePort } from '../bench/lib/processes.js';
import { buildOnce, ChildServer } from './support/child-server.js';
import {
  createTestDatabase,
  dialect,
  SKIPPED_BECAUSE,
  withClient,
  type TestDatabase,
} from './support/databases.js';
import { allEvents } from './support/pages.js';
import { Subscriber, waitUntil } from './support/server.js';

/**
 * Several instances on one PostgreSQL database and one Redis: runs in the `postgres` jest project
 * when REDIS_URL is set too (.ci/run sets both).
 */
const enabled = dialect === 'postgres' && Boolean(process.env.REDIS_URL);

/** A Redis of this test's own, which it can stop and start again on the same port. */
class PrivateRedis {
  private process: ChildProcess | null = null;
  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.up();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    this.process = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    await waitUntil(async () => {
      const probe = new Redis(this.url, {
        lazyConnect: true,
        retryStrategy: () => null,
        maxRetriesPerRequest: 0,
      });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG';
      } catch {
        return false;
      } finally {
        probe.disconnect();
      }
    });
  }

  down(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.process || this.process.exitCode !== null || this.process.signalCode !== null) {
        return resolve();
      }
      this.process.once('exit', () => resolve());
      this.process.kill('SIGKILL');
    });
  }
}

const STALL_OR_RESUME = `mutation ($id: ID!, $action: WorkflowAction!) { advanceAgreement(input: { agreementId: $id, action: $action }) { version } }`;
const EVENTS = `subscription ($id: ID) { agreementEvents(agreementId: $id) { sequence type action } }`;

(enabled ? describe : describe.skip)(
  enabled
    ? 'several instances on PostgreSQL and Redis'
    : `several instances on PostgreSQL and Redis: skipped ${SKIPPED_BECAUSE}`,
  () => {
    let database: TestDatabase;
    const servers: ChildServer[] = [];
    const subscribers: Subscriber<any>[] = [];

    const start = async (env: Record<string, string> = {}) => {
      const server = await ChildServer.start(database, {
        REDIS_URL: process.env.REDIS_URL!,
        ...env,
      });
      servers.push(server);
      return server;
    };
    /** Subscribes on `server` and waits until it listens. */
    const subscribe = async (server: ChildServer, id: string) => {
      const before = (await server.health()).subscriptions;
      const subscriber = new Subscriber<any>(server.wsUrl, EVENTS, { id });
      subscribers.push(subscriber);
      await waitUntil(async () => (await server.health()).subscriptions > before);
      return subscriber;
    };

    beforeAll(() => buildOnce(), 120000);
    beforeEach(async () => {
      database = await createTestDatabase();
    });
    afterEach(async () => {
      await Promise.all(subscribers.splice(0).map((subscriber) => subscriber.close()));
      await Promise.all(servers.splice(0).map((server) => server.kill()));
      await database.drop();
    });

    it('starts two instances at once on an empty database: migrated once, seeded once', async () => {
      const [a, b] = await Promise.all([
        start({ SEED_DEMO: 'true' }),
        start({ SEED_DEMO: 'true' }),
      ]);
      expect((await a.ok(`{ agreements { totalCount } }`)).agreements.totalCount).toBe(2);
      expect(await allEvents(b)).toHaveLength(5);
    });

    it('delivers every event written on either instance, in order, to a subscriber on B', async () => {
      const [a, b] = [await start(), await start()];
      const { id } = await AgreementFactory.create(a);
      const subscriber = await subscribe(b, id);
      const writes = ['STALL', 'RESUME', 'STALL', 'RESUME', 'STALL', 'RESUME'];
      for (const [i, action] of writes.entries()) {
        await (i % 2 ? b : a).ok(STALL_OR_RESUME, { id, action });
      }
      const received = (await subscriber.take(writes.length)).map((m) => m.agreementEvents);
      expect(received.map((event) => event.action)).toEqual(writes);
      expect(received.map((event) => event.sequence)).toEqual([2, 3, 4, 5, 6, 7]);
    });

    it('answers a read on B from its cache only until a write on A, even with Redis away', async () => {
      const redis = await PrivateRedis.start();
      try {
        const [a, b] = [
          await start({ REDIS_URL: redis.url }),
          await start({ REDIS_URL: redis.url }),
        ];
        const { id } = await AgreementFactory.create(a);
        const read = `query ($id: ID!) { agreement(id: $id) { stage version } }`;
        await b.ok(read, { id });
        expect(await b.ok(read, { id })).toEqual({
          agreement: { stage: 'NEGOTIATION', version: 1 },
        });
        await redis.down(); // B hears nothing of A's write
        await a.ok(STALL_OR_RESUME, { id, action: 'STALL' });
        expect(await b.ok(read, { id })).toEqual({ agreement: { stage: 'STALLED', version: 2 } });
      } finally {
        await redis.down();
      }
    });

    it('loses no update with 100 concurrent writes split across both instances', async () => {
      const [a, b] = [await start(), await start()];
      const { id } = await AgreementFactory.create(a);
      const outcomes = await Promise.all(
        Array.from({ length: 100 }, async (_, i) => {
          const server = i % 2 ? b : a;
          const { agreement } = await server.ok(
            `query ($id: ID!) { agreement(id: $id) { stage version } }`,
            { id },
          );
          const result = await server.gql(
            `mutation ($input: AdvanceAgreementInput!) { advanceAgreement(input: $input) { version } }`,
            {
              input: {
                agreementId: id,
                action: agreement.stage === 'NEGOTIATION' ? 'STALL' : 'RESUME',
                expectedVersion: agreement.version,
              },
            },
          );
          return result.errors ? String(result.errors[0].extensions?.code) : 'applied';
        }),
      );
      const applied = outcomes.filter((outcome) => outcome === 'applied').length;
      expect(
        outcomes.filter(
          (o) => o !== 'applied' && o !== 'VERSION_CONFLICT' && o !== 'INVALID_TRANSITION',
        ),
      ).toEqual([]);
      const { agreement } = await a.ok(`query ($id: ID!) { agreement(id: $id) { version } }`, {
        id,
      });
      expect(agreement.version).toBe(1 + applied);
      const log = await allEvents(b);
      expect(log.map((event) => event.sequence)).toEqual(log.map((_, i) => i + 1));
      expect(log).toHaveLength(1 + applied);
    });

    it('keeps mutations and queries working while Redis is away, and catches subscribers up when it is back', async () => {
      const redis = await PrivateRedis.start();
      try {
        const [a, b] = [
          await start({ REDIS_URL: redis.url }),
          await start({ REDIS_URL: redis.url }),
        ];
        const { id } = await AgreementFactory.create(a);
        const subscriber = await subscribe(b, id);

        await redis.down();
        await waitUntil(async () => (await a.health()).redis === 'down');
        expect(await a.health()).toMatchObject({
          status: 'degraded',
          database: 'up',
          redis: 'down',
        });
        for (const action of ['STALL', 'RESUME', 'STALL']) {
          await a.ok(STALL_OR_RESUME, { id, action }); // mutations keep working
        }
        expect((await b.ok(`{ agreements { totalCount } }`)).agreements.totalCount).toBe(1);

        await redis.up();
        const received = (await subscriber.take(3, 15000)).map((m) => m.agreementEvents);
        expect(received.map((event) => event.sequence)).toEqual([2, 3, 4]);
        await a.ok(STALL_OR_RESUME, { id, action: 'RESUME' });
        expect((await subscriber.take(4)).map((m) => m.agreementEvents.sequence)).toEqual([
          2, 3, 4, 5,
        ]);
        expect(subscriber.received).toHaveLength(4);
      } finally {
        await redis.down();
      }
    });

    it('takes Redis messages as hints: one that does not parse or is forged neither crashes nor misleads', async () => {
      const [a, b] = [await start(), await start()];
      const { id } = await AgreementFactory.create(a);
      const subscriber = await subscribe(b, id);
      const [{ value: cluster }] = await withClient(
        database.url,
        async (client) =>
          (await client.query(`SELECT "value" FROM "ratify_meta" WHERE "key" = 'cluster_id'`))
            .rows as { value: string }[],
      );
      const redis = new Redis(process.env.REDIS_URL!);
      try {
        for (const message of [
          'not json',
          'null',
          '{"origin":"forger","events":null}',
          '{"origin":"forger","head":"12"}',
          // A forged event, and a forged head far past the log's.
          JSON.stringify({
            origin: 'forger',
            events: [{ sequence: 2, agreementId: id, type: 'STAGE_CHANGED', action: 'TERMINATE' }],
          }),
          JSON.stringify({ origin: 'forger', head: 1_000_000 }),
        ]) {
          await redis.publish(`ratify:${cluster}:events`, message);
        }
      } finally {
        redis.disconnect();
      }
      await a.ok(STALL_OR_RESUME, { id, action: 'STALL' });
      expect((await subscriber.take(1)).map((m) => m.agreementEvents)).toEqual([
        { sequence: 2, type: 'STAGE_CHANGED', action: 'STALL' },
      ]);
      await b.ok(STALL_OR_RESUME, { id, action: 'RESUME' });
      expect((await subscriber.take(2))[1].agreementEvents).toMatchObject({ sequence: 3 });
      expect(subscriber.received).toHaveLength(2);
      expect((await a.health()).status).toBe('ok');
      expect((await b.health()).status).toBe('ok');
    });

    it('delivers a write whose hint never came within seconds, without waiting for another write', async () => {
      // A publishes its hints on a Redis that B does not listen to: every hint is lost.
      const elsewhere = await PrivateRedis.start();
      try {
        const [a, b] = [await start({ REDIS_URL: elsewhere.url }), await start()];
        const { id } = await AgreementFactory.create(a);
        const subscriber = await subscribe(b, id);
        await a.ok(STALL_OR_RESUME, { id, action: 'STALL' });
        expect((await subscriber.take(1, 5000)).map((m) => m.agreementEvents.sequence)).toEqual([
          2,
        ]);
      } finally {
        await elsewhere.down();
      }
    });

    it('outlives a PostgreSQL restart of its connections without being restarted', async () => {
      const a = await start();
      const { id } = await AgreementFactory.create(a);
      const name = new URL(database.url).pathname.slice(1);
      await withClient(process.env.DATABASE_URL_TEST_PG!, (client) =>
        client.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [name],
        ),
      );
      // The pool replaces the connections it lost; a query may fail while it does.
      await waitUntil(async () => !(await a.gql(`{ agreements { totalCount } }`)).errors, 10000);
      expect((await a.ok(STALL_OR_RESUME, { id, action: 'STALL' })).advanceAgreement.version).toBe(
        2,
      );
      expect(await a.health()).toMatchObject({ status: 'ok', database: 'up' });
    });
  },
);
