import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { AgreementFactory } from './factories/agreement.factory.js';
import { buildOnce, ChildServer } from './support/child-server.js';
import { createTestDatabase, dialect, type TestDatabase } from './support/databases.js';
import { Receiver } from './support/receiver.js';
import { TestServer, waitUntil } from './support/server.js';

const CREATE = `mutation ($url: String!) { createWebhook(input: { url: $url }) { webhook { id position } } }`;
const SUMMARY = `mutation ($id: ID!, $summary: String!) { updateAgreement(input: { agreementId: $id, summary: $summary }) { version } }`;

interface Client {
  ok(query: string, variables?: Record<string, unknown>): Promise<any>;
}

/** Writes `count` events on an agreement through `clients` in turn; returns their sequences. */
async function writeEvents(clients: Client[], agreementId: string, count: number) {
  const sequences: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const client = clients[i % clients.length];
    await client.ok(SUMMARY, { id: agreementId, summary: `Revision ${i}` });
    const { events } = await client.ok(`{ events(last: 1) { edges { node { sequence } } } }`);
    sequences.push(events.edges[0].node.sequence as number);
  }
  return sequences;
}

/**
 * What at least once, in order, means for what a receiver got: every sequence arrived; taken at
 * its first arrival, in order; and a message sent again carried the same `webhook-id`.
 */
function expectAtLeastOnceInOrder(receiver: Receiver, sequences: number[]): void {
  const got = receiver.sequences();
  const first = got.filter((sequence, index) => got.indexOf(sequence) === index);
  expect(first).toEqual(sequences);
  const idOf = new Map<number, unknown>();
  for (const request of receiver.received) {
    const sequence = request.json.data.sequence as number;
    expect(request.headers['webhook-id']).toBe(idOf.get(sequence) ?? request.headers['webhook-id']);
    idOf.set(sequence, request.headers['webhook-id']);
  }
}

/** A receiver that takes a little while with each request, so that a backlog builds up. */
async function slowReceiver(): Promise<Receiver> {
  const receiver = await Receiver.start();
  receiver.behaviour = (response) => setTimeout(() => response.writeHead(204).end(), 40);
  return receiver;
}

describe('webhooks across restarts', () => {
  let database: TestDatabase;
  const receivers: Receiver[] = [];
  const servers: { close(): Promise<void> }[] = [];

  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
    await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
    await database?.drop();
  });

  it('loses no event when the server stops mid-backlog and another starts on the database', async () => {
    database = await createTestDatabase();
    const env = { WEBHOOK_ALLOW_PRIVATE: 'true' };
    const first = await TestServer.start({ database, seedDemo: false, env });
    servers.push(first);
    const receiver = await slowReceiver();
    receivers.push(receiver);
    const agreementId = (await AgreementFactory.create(first)).id as string;
    await first.ok(CREATE, { url: receiver.url });
    const sequences = await writeEvents([first], agreementId, 60);
    await waitUntil(() => receiver.received.length >= 5);
    await first.close();
    servers.splice(0);
    const atStop = receiver.received.length;
    expect(atStop).toBeLessThan(60); // a backlog was left

    const second = await TestServer.start({ database, seedDemo: false, env });
    servers.push(second);
    await waitUntil(() => new Set(receiver.sequences()).size === 60, 20_000);
    expectAtLeastOnceInOrder(receiver, sequences);
    // A stop that had time to write its progress sends nothing twice.
    expect(receiver.received.length).toBe(60);
  });
});

describe('webhooks across a crash', () => {
  let database: TestDatabase;
  const children: ChildServer[] = [];
  let receiver: Receiver;

  beforeAll(() => buildOnce());
  afterEach(async () => {
    await Promise.all(children.splice(0).map((child) => child.kill()));
    await receiver?.close();
    await database?.drop();
  });

  it('sends again, with the same webhook-id, what a killed instance had not recorded, and skips nothing', async () => {
    database = await createTestDatabase();
    const env = { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_LEASE_MS: '1000' };
    const first = await ChildServer.start(database, env);
    children.push(first);
    receiver = await slowReceiver();
    const agreementId = (await AgreementFactory.create(first)).id as string;
    await first.ok(CREATE, { url: receiver.url });
    const sequences = await writeEvents([first], agreementId, 60);
    await waitUntil(() => receiver.received.length >= 10);
    await first.kill(); // SIGKILL: no shutdown, no last write, the lease left held
    expect(new Set(receiver.sequences()).size).toBeLessThan(60);

    const second = await ChildServer.start(database, env);
    children.push(second);
    // It takes the webhook over once the dead instance's lease has run out.
    await waitUntil(() => new Set(receiver.sequences()).size === 60, 30_000);
    expectAtLeastOnceInOrder(receiver, sequences);
  });
});

(dialect === 'postgres' ? describe : describe.skip)(
  dialect === 'postgres'
    ? 'webhooks with two instances on PostgreSQL'
    : 'webhooks with two instances on PostgreSQL: skipped (runs in the postgres jest project)',
  () => {
    let database: TestDatabase;
    const servers: TestServer[] = [];
    const receivers: Receiver[] = [];

    afterEach(async () => {
      for (const server of servers.splice(0)) await server.close();
      await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
      await database?.drop();
    });

    it('delivers each event once per webhook, in order, whichever instance it was written on', async () => {
      database = await createTestDatabase();
      const env = { WEBHOOK_ALLOW_PRIVATE: 'true' };
      servers.push(await TestServer.start({ database, seedDemo: false, env }));
      servers.push(await TestServer.start({ database, seedDemo: false, env }));
      const agreementId = (await AgreementFactory.create(servers[0])).id as string;
      for (let i = 0; i < 3; i += 1) {
        const receiver = await Receiver.start();
        receivers.push(receiver);
        // Created on either instance; either may claim it.
        await servers[i % 2].ok(CREATE, { url: receiver.url });
      }
      const sequences = await writeEvents(servers, agreementId, 40);
      await waitUntil(() => receivers.every((receiver) => receiver.received.length >= 40), 20_000);
      await new Promise((resolve) => setTimeout(resolve, 1500)); // anything twice would be here
      for (const receiver of receivers) {
        expect(receiver.sequences()).toEqual(sequences);
      }
    });
  },
);
