import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { request } from 'node:http';
import { buildOnce, ChildServer } from './support/child-server.js';
import { createTestDatabase, type TestDatabase } from './support/databases.js';
import { ADMIN_TOKEN, Subscriber, waitUntil } from './support/server.js';

describe('a graceful shutdown (SIGTERM)', () => {
  let database: TestDatabase;
  let server: ChildServer;

  beforeAll(() => buildOnce(), 120000);
  afterEach(async () => {
    await server.kill();
    await database.drop();
  });

  it('finishes a request in flight, and closes WebSockets with 1001 "Going away"', async () => {
    database = await createTestDatabase();
    server = await ChildServer.start(database, { SEED_DEMO: 'true' });
    const subscriber = new Subscriber<unknown>(
      server.wsUrl,
      `subscription { agreementEvents { sequence } }`,
      {},
    );
    await waitUntil(async () => (await server.health()).subscriptions === 1);

    // A request whose body is still arriving when the signal comes.
    const body = JSON.stringify({ query: '{ agreements { totalCount } }' });
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${server.url}/graphql`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      // The signal comes once the server has the request's headers: it answered another request
      // sent after them (a fixed delay was not enough on a busy machine, where the server had not
      // read them yet and rightly closed the connection as idle).
      req.on('socket', (socket) =>
        socket.once('connect', () => {
          void server.health().then(() => {
            server.process.kill('SIGTERM');
            setTimeout(() => req.end(body.slice(10)), 300);
          }, reject);
        }),
      );
    });

    expect(await answer).toEqual({
      status: 200,
      body: JSON.stringify({ data: { agreements: { totalCount: 2 } } }) + '\n',
    });
    // A socket dropped without a goodbye would be 1006; 1001 is the server closing it on purpose.
    expect(await subscriber.failure()).toEqual([
      expect.objectContaining({ code: 1001, reason: 'Going away' }),
    ]);
    await waitUntil(() => server.process.exitCode !== null || server.process.signalCode !== null);
    await subscriber.close();
  });
});
