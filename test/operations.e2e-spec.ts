import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AgreementFactory } from './factories/agreement.factory.js';
import { buildOnce, ChildServer } from './support/child-server.js';
import { createTestDatabase, dialect, SKIPPED_BECAUSE } from './support/databases.js';
import { ADMIN_TOKEN, TestServer, waitUntil } from './support/server.js';
import { Scrape } from './support/metrics.js';
import { Receiver } from './support/receiver.js';
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

describe('/metrics', () => {
  let server: TestServer;
  let receiver: Receiver;
  beforeAll(async () => {
    server = await TestServer.start({ env: { WEBHOOK_ALLOW_PRIVATE: 'true' } });
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    await server.dispose();
    await receiver.close();
  });

  it('is the Prometheus text format, with the default process metrics', async () => {
    const response = await fetch(`${server.url}/metrics`);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const scrape = await Scrape.of(server.url);
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(scrape.families.has(name)).toBe(true);
    }
  });

  it('moves with the requests made: operations, latency, the read cache, the log, sockets and webhooks', async () => {
    const before = await Scrape.of(server.url);
    const ok = { operation: 'Agreements', type: 'query', transport: 'http', outcome: 'OK' };
    for (let i = 0; i < 3; i += 1) {
      await server.ok(`query Agreements { agreements { totalCount } }`);
    }
    const refused = await server.gql(
      `mutation Stall($id: ID!) { advanceAgreement(input: { agreementId: $id, action: STALL }) { stage } }`,
      { id: '00000000-0000-4000-8000-000000000000' },
    );
    expect(refused.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const subscriber = await server.subscribe(
      `subscription Watch { agreementEvents { sequence } }`,
    );
    const { createWebhook } = await server.ok(
      `mutation ($url: String!) { createWebhook(input: { url: $url }) { webhook { id } } }`,
      { url: receiver.url },
    );
    const { agreements } = await server.ok(`{ agreements(first: 1) { edges { node { id } } } }`);
    const id = agreements.edges[0].node.id;
    await server.ok(
      `mutation Note($id: ID!) { updateAgreement(input: { agreementId: $id, summary: "Metrics" }) { version } }`,
      { id },
    );
    await subscriber.take(1);
    await waitUntil(() => receiver.received.length >= 1, 10_000);

    const after = await Scrape.of(server.url);
    const grew = (name: string, labels: Record<string, string> = {}) =>
      after.value(name, labels) - before.value(name, labels);
    expect(grew('ratify_graphql_operations_total', ok)).toBe(3);
    expect(
      grew('ratify_graphql_operations_total', {
        operation: 'Stall',
        type: 'mutation',
        outcome: 'NOT_FOUND',
      }),
    ).toBe(1);
    expect(
      after.value('ratify_graphql_operations_total', {
        operation: 'Watch',
        type: 'subscription',
        transport: 'websocket',
        outcome: 'OK',
      }),
    ).toBe(1);
    expect(grew('ratify_graphql_query_duration_seconds')).toBeGreaterThanOrEqual(4);
    expect(grew('ratify_graphql_mutation_duration_seconds')).toBeGreaterThanOrEqual(3);
    expect(grew('ratify_read_cache_requests_total', { result: 'hit' })).toBeGreaterThanOrEqual(2);
    expect(grew('ratify_event_log_head')).toBe(1);
    expect(grew('ratify_event_publish_lag_seconds')).toBe(1);
    expect(after.value('ratify_websocket_connections')).toBe(1);
    expect(after.value('ratify_subscriptions')).toBe(1);
    // The attempt is counted once the sender thread has answered, a moment after the receiver.
    await waitUntil(
      async () =>
        (await Scrape.of(server.url)).value('ratify_webhook_deliveries_total', {
          outcome: 'success',
        }) -
          before.value('ratify_webhook_deliveries_total', { outcome: 'success' }) ===
        1,
    );
    // The webhook's position is written once a second: the backlog falls to 0 by then.
    await waitUntil(
      async () => (await Scrape.of(server.url)).value('ratify_webhook_backlog') === 0,
    );
    expect(after.value('ratify_webhooks_disabled')).toBe(0);
    expect(after.families.has('ratify_scheduled_moves_due')).toBe(true);
    expect(after.families.has('ratify_scheduled_moves_made_total')).toBe(true);
    await subscriber.close();
    await server.ok(`mutation ($id: ID!) { deleteWebhook(id: $id) { id } }`, {
      id: createWebhook.webhook.id,
    });
  });

  it('tells apart at most 100 operation names: a client cannot grow the registry', async () => {
    for (let i = 0; i < 120; i += 1) {
      await server.gql(`query Name${i} { workflow { stages } }`);
    }
    const names = (await Scrape.of(server.url)).labelValues(
      'ratify_graphql_operations_total',
      'operation',
    );
    const told = names.filter((name) => name !== 'other' && name !== 'anonymous');
    expect(new Set(told).size).toBeLessThanOrEqual(100);
    expect(names).toContain('other');
  });
});

describe('/metrics with METRICS_TOKEN, and counting rate-limit refusals', () => {
  const METRICS_TOKEN = 'metrics-token-0123456789';
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start({
      seedDemo: false,
      env: { METRICS_TOKEN, RATE_LIMIT_WRITES_PER_MINUTE: '1' },
    });
  });
  afterAll(() => server.dispose());

  it('asks for the token, and counts the writes refused', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token-0123456789', METRICS_TOKEN]) {
      const response = await fetch(`${server.url}/metrics`, {
        headers: authorization ? { authorization } : {},
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    }
    const create = `mutation { createAgreement(input: { title: "T", kind: TREATY, parties: [
      { code: "US", name: "US", approvalRequired: false }, { code: "KR", name: "KR", approvalRequired: false }] }) { id } }`;
    await server.ok(create);
    expect((await server.gql(create)).errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    const scrape = await Scrape.of(server.url, METRICS_TOKEN);
    expect(scrape.value('ratify_rate_limit_refusals_total', { limit: 'writes' })).toBe(1);
    expect(
      scrape.value('ratify_graphql_operations_total', {
        type: 'mutation',
        outcome: 'RATE_LIMITED',
      }),
    ).toBe(1);
  });
});

describe('/metrics with METRICS=false', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start({ seedDemo: false, env: { METRICS: 'false' } });
  });
  afterAll(() => server.dispose());

  it('is not served', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
  });
});

describe('the log', () => {
  const lines: Record<string, any>[] = [];
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start({
      seedDemo: false,
      env: { LOG_LEVEL: 'info' },
      logDestination: { write: (line: string) => lines.push(JSON.parse(line)) },
    });
  });
  afterAll(() => server.dispose());

  it('has one JSON line per request, with its id, operation, outcome and token name', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${ADMIN_TOKEN}`,
        'x-request-id': 'desk-42',
      },
      body: JSON.stringify({
        query: `mutation Register($input: CreateAgreementInput!) { createAgreement(input: $input) { id } }`,
        variables: { input: { ...AgreementFactory.input(), summary: 'Jane Roe, +1 555 0100' } },
      }),
    });
    expect(response.headers.get('x-request-id')).toBe('desk-42');
    await server.ok(`query Agreements { agreements { totalCount } }`);
    await waitUntil(() => lines.filter((line) => line.msg === 'request').length >= 2);
    const [mutation, query] = lines.filter((line) => line.msg === 'request');
    expect(mutation).toEqual({
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      service: 'ratify',
      pid: process.pid,
      msg: 'request',
      reqId: 'desk-42',
      method: 'POST',
      path: '/graphql',
      status: 200,
      durationMs: expect.any(Number),
      clientAddress: '127.0.0.1',
      operation: 'Register',
      type: 'mutation',
      outcome: 'OK',
      tokenName: 'ADMIN_TOKEN',
    });
    expect(query).toMatchObject({ operation: 'Agreements', type: 'query', outcome: 'OK' });
    expect(query.reqId).toMatch(/^[0-9a-f-]{36}$/);
    const text = JSON.stringify(lines);
    for (const secret of [ADMIN_TOKEN, 'Jane Roe', '555 0100']) {
      expect(text).not.toContain(secret);
    }
  });

  it('has a line when a WebSocket and a subscription open and end', async () => {
    const subscriber = await server.subscribe(
      `subscription Watch { agreementEvents { sequence } }`,
    );
    await subscriber.close();
    await waitUntil(() => lines.some((line) => line.msg === 'websocket closed'));
    const socket = lines.filter((line) => String(line.msg).match(/^(websocket|subscription) /));
    expect(socket.map((line) => line.msg)).toEqual([
      'websocket opened',
      'subscription started',
      'subscription ended',
      'websocket closed',
    ]);
    expect(socket[1]).toMatchObject({ operation: 'Watch', connectionId: socket[0].connectionId });
    expect(socket[2].durationMs).toEqual(expect.any(Number));
  });
});

const withChild = dialect === 'sqlite';
(withChild ? describe : describe.skip)('the log of a production server', () => {
  it('is JSON lines, and holds no token, secret or variable of a run that used them', async () => {
    buildOnce();
    const database = await createTestDatabase();
    const server = await ChildServer.start(
      database,
      { NODE_ENV: 'production', LOG_LEVEL: 'debug', WEBHOOK_ALLOW_PRIVATE: 'true' },
      { capture: true },
    );
    const receiver = await Receiver.start();
    try {
      const { createApiToken } = await server.ok(
        `mutation { createApiToken(name: "kr-desk", role: EDITOR) { token } }`,
      );
      const token = createApiToken.token as string;
      const { createWebhook } = await server.ok(
        `mutation ($url: String!) { createWebhook(input: { url: $url }) { secret webhook { id } } }`,
        { url: receiver.url },
      );
      const { rotateWebhookSecret } = await server.ok(
        `mutation ($id: ID!) { rotateWebhookSecret(id: $id) { secret } }`,
        { id: createWebhook.webhook.id },
      );
      const note = 'Call Jane Roe at +1 555 0100';
      const editor = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          query: `mutation ($input: CreateAgreementInput!) { createAgreement(input: $input) { id } }`,
          variables: { input: { ...AgreementFactory.input(), note } },
        }),
      });
      expect(((await editor.json()) as any).errors).toBeUndefined();
      await waitUntil(() => receiver.received.length >= 1, 10_000);
      await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer wrong-token-123' },
        body: JSON.stringify({ query: `mutation { revokeApiToken(id: "x") { id } }` }),
      });
      await server.stop();
      const lines = server.output.trim().split('\n');
      expect(lines.length).toBeGreaterThan(5);
      for (const line of lines) {
        expect(() => JSON.parse(line)).not.toThrow();
      }
      expect(lines.map((line) => JSON.parse(line).msg)).toContain('request');
      for (const secret of [
        ADMIN_TOKEN,
        token,
        createWebhook.secret,
        rotateWebhookSecret.secret,
        'wrong-token-123',
        'Jane Roe',
        '555 0100',
      ]) {
        expect(server.output).not.toContain(secret);
      }
    } finally {
      await server.kill();
      await receiver.close();
      await database.drop();
    }
  });
});
