import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { connect } from 'node:net';
import WebSocket from 'ws';
import { AgreementEventType } from '../src/events/entities/agreement-event.entity.js';
import { EventLog } from '../src/events/event-log.service.js';
import { AgreementFactory } from './factories/agreement.factory.js';
import { ADMIN_TOKEN, TestServer, waitUntil } from './support/server.js';

/**
 * The edge of sockets: every upgrade answered, WebSocket messages, connections, subscriptions
 * and silent peers bounded, failed authentications limited, revoked tokens dropped, and clients
 * that leave logged as such.
 */

/** Sends `request` on a raw TCP connection and returns all the server says before it closes. */
function raw(server: TestServer, request: string, timeoutMs = 5000): Promise<string> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`No close within ${timeoutMs} ms; got ${JSON.stringify(answer)}`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.end(request);
  });
}

const upgradeRequest = (path: string) =>
  `GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
  'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
  'Sec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n';

/** Appends `total` events to an agreement's log, straight through the server's EventLog. */
async function appendEvents(server: TestServer, agreementId: string, total: number, note = '') {
  // In writes of 500 events: a statement takes at most so many parameters.
  for (let written = 0; written < total; written += 500) {
    await server.app.get(EventLog).write((writer) =>
      writer.append(
        Array.from({ length: Math.min(500, total - written) }, () => ({
          agreementId,
          type: AgreementEventType.DETAILS_UPDATED,
          occurredAt: new Date(),
          actor: 'test',
          note,
        })),
      ),
    );
  }
}

/** A bare graphql-ws connection: open, and acknowledged once `init` has been answered. */
class RawConnection {
  readonly messages: { id?: string; type: string; payload?: any }[] = [];
  closed: { code: number; reason: string } | null = null;
  readonly socket: WebSocket;

  constructor(
    server: TestServer,
    options: WebSocket.ClientOptions & { headers?: Record<string, string> } = {},
  ) {
    this.socket = new WebSocket(
      `${server.url.replace('http', 'ws')}/graphql`,
      'graphql-transport-ws',
      options,
    );
    this.socket.on('message', (data: Buffer) => this.messages.push(JSON.parse(data.toString())));
    this.socket.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
    this.socket.on('error', () => undefined);
  }

  async init(payload: Record<string, unknown> = {}): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.socket.once('open', resolve);
      this.socket.once('error', reject);
    });
    this.send({ type: 'connection_init', payload });
    await waitUntil(() => this.closed !== null || this.has('connection_ack'));
  }

  send(message: object): void {
    this.socket.send(JSON.stringify(message));
  }

  has(type: string, id?: string): boolean {
    return this.messages.some((m) => m.type === type && (id === undefined || m.id === id));
  }

  async closedWith(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    await waitUntil(() => this.closed !== null, timeoutMs);
    return this.closed!;
  }

  close(): void {
    this.socket.terminate();
  }
}

describe('upgrade requests', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start({ seedDemo: false });
  });
  afterAll(() => server.dispose());

  it.each(['/health', '/', '/graphqlx', '/GraphQL', '/graphql/', '/nowhere?x=1'])(
    'to %s is answered with an HTTP error and the socket closed',
    async (path) => {
      const answer = await raw(server, upgradeRequest(path));
      expect(answer).toMatch(/^HTTP\/1\.1 404 /);
      expect(answer).toContain('/graphql only');
    },
  );

  it('many of them leave no socket open: the server still answers', async () => {
    await Promise.all(Array.from({ length: 200 }, () => raw(server, upgradeRequest('/health'))));
    expect((await server.health()).status).toBe('ok');
  });

  it('to /graphql opens a WebSocket', async () => {
    const connection = new RawConnection(server);
    await connection.init();
    expect(connection.has('connection_ack')).toBe(true);
    connection.close();
  });
});

describe('one entry point for GraphQL over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start({ seedDemo: false });
  });
  afterAll(() => server.dispose());

  it.each(['/graphql/', '/GraphQL', '/graphql/x', '/GRAPHQL/'])(
    '%s is not GraphQL',
    async (path) => {
      const response = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
        body: JSON.stringify({ query: '{ workflow { stages } }' }),
      });
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('NEGOTIATION');
    },
  );

  it('answers with security headers, and a restrictive CSP on all but the GraphiQL page', async () => {
    for (const response of [
      await fetch(`${server.url}/health`),
      await fetch(`${server.url}/`, { redirect: 'manual' }),
      await fetch(`${server.url}/nowhere`),
      await fetch(`${server.url}/graphiql/start.js`),
      await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      }),
      await fetch(`${server.url}/graphql`, { method: 'POST', body: 'not json' }),
    ]) {
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('content-security-policy')).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
      expect(response.headers.get('x-frame-options')).toBe('DENY');
    }
  });
});

describe('WebSocket bounds', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start({
      seedDemo: false,
      env: {
        MAX_BODY_BYTES: '5000',
        MAX_SUBSCRIPTIONS_PER_CONNECTION: '3',
        MAX_CONNECTIONS_PER_ADDRESS: '4',
        WS_PING_INTERVAL_MS: '1000',
        TRUST_PROXY: 'true',
      },
    });
  });
  afterAll(() => server.dispose());

  it('closes a connection whose message is over MAX_BODY_BYTES with 1009, and serves on', async () => {
    const connection = new RawConnection(server);
    await connection.init();
    connection.send({
      id: '1',
      type: 'subscribe',
      payload: { query: `subscription { agreementEvents { sequence } } # ${'x'.repeat(6000)}` },
    });
    expect((await connection.closedWith()).code).toBe(1009);
    expect((await server.health()).status).toBe('ok');
  });

  it('closes a connection whose binary message is not UTF-8 with 4400', async () => {
    const connection = new RawConnection(server);
    await connection.init();
    connection.socket.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: true });
    expect((await connection.closedWith()).code).toBe(4400);
  });

  it('refuses an operation over MAX_SUBSCRIPTIONS_PER_CONNECTION, and takes one once another ends', async () => {
    const connection = new RawConnection(server);
    await connection.init();
    const subscribe = (id: string) =>
      connection.send({
        id,
        type: 'subscribe',
        payload: { query: 'subscription { agreementEvents { sequence } }' },
      });
    ['1', '2', '3', '4'].forEach(subscribe);
    await waitUntil(() => connection.has('error', '4'));
    expect(connection.messages.find((m) => m.id === '4')?.payload).toEqual([
      expect.objectContaining({
        extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'subscriptions', value: 4, max: 3 },
      }),
    ]);
    expect(['1', '2', '3'].some((id) => connection.has('error', id))).toBe(false);
    connection.send({ id: '1', type: 'complete' });
    subscribe('5');
    await waitUntil(async () => (await server.health()).subscriptions === 3);
    expect(connection.has('error', '5')).toBe(false);
    connection.close();
  });

  it('refuses connections over MAX_CONNECTIONS_PER_ADDRESS with 429, counted through TRUST_PROXY', async () => {
    const from = (address: string) =>
      new RawConnection(server, { headers: { 'x-forwarded-for': address } });
    const open = [1, 2, 3, 4].map(() => from('203.0.113.1'));
    await Promise.all(open.map((connection) => connection.init()));
    const refused = from('203.0.113.1');
    const status = await new Promise<number>((resolve) =>
      refused.socket.once('unexpected-response', (_request, response) =>
        resolve(response.statusCode ?? 0),
      ),
    );
    expect(status).toBe(429);
    // Another address is not held back, and a closed connection makes room.
    const other = from('203.0.113.2');
    await other.init();
    expect(other.has('connection_ack')).toBe(true);
    open[0].socket.close();
    await open[0].closedWith();
    await waitUntil(async () => {
      const again = from('203.0.113.1');
      await again.init().catch(() => undefined);
      const accepted = again.has('connection_ack');
      if (!accepted) again.close();
      else open[0] = again;
      return accepted;
    });
    [...open, other].forEach((connection) => connection.close());
  });

  it('drops a peer that stops answering pings, and keeps one that answers', async () => {
    const silent = new RawConnection(server, { autoPong: false });
    const answering = new RawConnection(server);
    await Promise.all([silent.init(), answering.init()]);
    expect((await silent.closedWith(6000)).code).toBe(1006);
    expect(answering.closed).toBeNull();
    answering.close();
  });
});

describe('failed authentications', () => {
  let server: TestServer;
  afterEach(() => server.dispose());

  it('over WebSocket count against the address: past the limit, 4429 even for a good token', async () => {
    server = await TestServer.start({
      seedDemo: false,
      env: { RATE_LIMIT_WRITES_PER_MINUTE: '3' },
    });
    const codes: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const connection = new RawConnection(server);
      await connection.init({ authorization: `Bearer guess-${i}-xxxxxxxxxxxxxxxx` });
      codes.push((await connection.closedWith()).code);
    }
    const good = new RawConnection(server);
    await good.init({ authorization: `Bearer ${ADMIN_TOKEN}` });
    expect([...codes, (await good.closedWith()).code]).toEqual([4403, 4403, 4403, 4429, 4429]);
    // Reads without a token are not held back.
    expect((await server.gql('{ workflow { stages } }', {}, null)).errors).toBeUndefined();
  });

  it('over reads with REQUIRE_AUTH_FOR_READS count too: 401, then 429 with Retry-After', async () => {
    server = await TestServer.start({
      seedDemo: false,
      env: { RATE_LIMIT_WRITES_PER_MINUTE: '2', REQUIRE_AUTH_FOR_READS: 'true' },
    });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (const token of ['guess-1-xxxxxxxxxxxx', 'guess-2-xxxxxxxxxxxx', ADMIN_TOKEN]) {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ workflow { stages } }' }),
      });
      statuses.push(response.status);
      retryAfter = response.headers.get('retry-after');
      const body = (await response.json()) as { errors?: { extensions: { code: string } }[] };
      if (response.status === 429) {
        expect(body.errors?.[0].extensions.code).toBe('RATE_LIMITED');
      }
    }
    expect(statuses).toEqual([401, 401, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it('gives each token one bucket, however "Bearer" is spelled', async () => {
    server = await TestServer.start({
      seedDemo: false,
      env: { RATE_LIMIT_WRITES_PER_MINUTE: '2', TRUST_PROXY: 'true' },
    });
    const codes: (string | undefined)[] = [];
    for (const [i, scheme] of ['Bearer', 'bearer', 'BEARER'].entries()) {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `${scheme}  ${ADMIN_TOKEN}`,
          'x-forwarded-for': `198.51.100.${i + 1}`,
        },
        body: JSON.stringify({
          query: `mutation { createApiToken(name: "desk-${i}", role: EDITOR) { token } }`,
        }),
      });
      const body = (await response.json()) as { errors?: { extensions: { code: string } }[] };
      codes.push(body.errors?.[0].extensions.code);
    }
    expect(codes).toEqual([undefined, undefined, 'RATE_LIMITED']);
  });
});

describe('a long replay', () => {
  it('lets the server answer others while it runs', async () => {
    const server = await TestServer.start({ seedDemo: false });
    try {
      const { id } = await AgreementFactory.create(server);
      const total = 3000;
      await appendEvents(server, id, total);
      const connection = new RawConnection(server);
      await connection.init();
      connection.send({
        id: '1',
        type: 'subscribe',
        payload: {
          query: `subscription { agreementEvents(after: "${Buffer.from('event:0').toString('base64url')}") { sequence } }`,
        },
      });
      await waitUntil(() => connection.has('next'));
      await server.health();
      const receivedWhenAnswered = connection.messages.length;
      await waitUntil(() => connection.messages.length >= total + 2);
      expect(receivedWhenAnswered).toBeLessThan(total / 2);
      connection.close();
    } finally {
      await server.dispose();
    }
  });
});

describe('a subscriber that stops reading', () => {
  it('is not buffered in memory: what it fell behind on is read from the log, and it misses nothing', async () => {
    const server = await TestServer.start({ seedDemo: false, env: { COUNT_SQL_QUERIES: 'true' } });
    const sqlQueries = async () => ((await server.health()) as { sqlQueries?: number }).sqlQueries!;
    try {
      const { id } = await AgreementFactory.create(server);
      const connection = new RawConnection(server);
      await connection.init();
      connection.send({
        id: '1',
        type: 'subscribe',
        payload: { query: 'subscription { agreementEvents { sequence note } }' },
      });
      await waitUntil(async () => (await server.health()).subscriptions === 1);
      const tcp = (connection.socket as unknown as { _socket: { pause(): void; resume(): void } })
        ._socket;
      tcp.pause();
      // 30 MB of events, far more than the system's socket buffers hold: the server must stop
      // sending, and keep no more than a few of them for this subscriber.
      const total = 3000;
      await appendEvents(server, id, total, 'n'.repeat(10_000));
      const before = await sqlQueries();
      tcp.resume();
      await waitUntil(() => connection.messages.length >= total + 1, 30000);
      const sequences = connection.messages
        .filter((message) => message.type === 'next')
        .map((message) => message.payload.data.agreementEvents.sequence as number);
      expect(sequences).toEqual(Array.from({ length: total }, (_, i) => i + 2));
      // Read from the log in pages of 100 (two statements each), beyond the health checks'.
      expect((await sqlQueries()) - before).toBeGreaterThan(10);
      connection.close();
    } finally {
      await server.dispose();
    }
  });
});

describe('a revoked token', () => {
  it('loses its open WebSockets: their subscriptions end with 4403', async () => {
    const server = await TestServer.start({ seedDemo: false });
    try {
      const { createApiToken } = await server.ok(
        `mutation { createApiToken(name: "reader", role: EDITOR) { token apiToken { id } } }`,
      );
      const subscriber = server.overWebSocket(
        'subscription { agreementEvents { sequence } }',
        {},
        { authorization: `Bearer ${createApiToken.token}` },
      );
      const anonymous = await server.subscribe('subscription { agreementEvents { sequence } }');
      await waitUntil(async () => (await server.health()).subscriptions === 2);
      await server.ok(`mutation ($id: ID!) { revokeApiToken(id: $id) { revokedAt } }`, {
        id: createApiToken.apiToken.id,
      });
      expect(await subscriber.failure(8000)).toEqual([
        expect.objectContaining({ code: 4403, reason: 'Forbidden: the token was revoked' }),
      ]);
      expect(anonymous.failed).toBe(false);
      await Promise.all([subscriber.close(), anonymous.close()]);
    } finally {
      await server.dispose();
    }
  });
});

describe('/health with REQUIRE_AUTH_FOR_READS', () => {
  it('tells a stranger its status alone, and a token holder the details', async () => {
    const server = await TestServer.start({
      seedDemo: false,
      env: { REQUIRE_AUTH_FOR_READS: 'true', RATE_LIMIT_WRITES_PER_MINUTE: '2' },
    });
    try {
      // A load balancer's checks carry no token: no guess, nothing counted against its address.
      for (let i = 0; i < 5; i += 1) {
        expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ status: 'ok' });
      }
      const details = await fetch(`${server.url}/health`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      expect(await details.json()).toMatchObject({
        status: 'ok',
        database: 'up',
        subscriptions: 0,
      });
    } finally {
      await server.dispose();
    }
  });
});

describe('clients that leave', () => {
  const lines: { level: string; msg: string }[] = [];
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start({
      seedDemo: false,
      env: { LOG_LEVEL: 'debug' },
      logDestination: { write: (line: string) => lines.push(JSON.parse(line)) },
    });
  });
  afterAll(() => server.dispose());

  it('are logged as leaving, never as internal errors: an aborted upload, a reset WebSocket', async () => {
    const { port } = new URL(server.url);
    await new Promise<void>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          'POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
            'Content-Length: 1000\r\n\r\n{"query":',
        );
        setTimeout(() => {
          socket.resetAndDestroy();
          resolve();
        }, 100);
      });
    });
    const connection = new RawConnection(server);
    await connection.init();
    connection.send({
      id: '1',
      type: 'subscribe',
      payload: { query: 'subscription { agreementEvents { sequence } }' },
    });
    await waitUntil(async () => (await server.health()).subscriptions === 1);
    (
      connection.socket as unknown as { _socket: { resetAndDestroy(): void } }
    )._socket.resetAndDestroy();
    await waitUntil(async () => (await server.health()).subscriptions === 0);
    await waitUntil(() => lines.some((line) => line.msg.includes('left before')));
    expect(lines.filter((line) => line.level === 'error' || line.level === 'fatal')).toEqual([]);
  });
});
