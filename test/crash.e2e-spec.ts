import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AgreementFactory } from './factories/agreement.factory.js';
import { buildOnce, ChildServer } from './support/child-server.js';
import { createTestDatabase, type TestDatabase } from './support/databases.js';
import { allAgreements, allEvents, stageAfter } from './support/pages.js';

describe('a server killed with SIGKILL under a stream of writes', () => {
  let database: TestDatabase;
  let server: ChildServer;

  beforeAll(async () => {
    buildOnce();
    database = await createTestDatabase();
  }, 120000);
  afterAll(async () => {
    await server?.kill();
    await database.drop();
  });

  /** Writes until the server dies; returns the highest version acknowledged per agreement. */
  async function writeUntilKilled(ids: string[], created: string[]): Promise<Map<string, number>> {
    const acknowledged = new Map<string, number>();
    const writer = async (n: number) => {
      for (let i = 0; ; i += 1) {
        try {
          if (i % 7 === 6) {
            const { createAgreement } = await server.ok(
              `mutation ($input: CreateAgreementInput!) { createAgreement(input: $input) { id version } }`,
              { input: AgreementFactory.input() },
            );
            created.push(createAgreement.id);
            acknowledged.set(createAgreement.id, createAgreement.version);
            continue;
          }
          const id = ids[(n + i) % ids.length];
          const result = await server.gql(
            i % 3 === 2
              ? `mutation ($id: ID!) { updateAgreement(input: { agreementId: $id, summary: "${n}-${i}" }) { id version } }`
              : `mutation ($id: ID!) { a: advanceAgreement(input: { agreementId: $id, action: ${i % 2 ? 'RESUME' : 'STALL'} }) { id version } }`,
            { id },
          );
          const agreement = result.data?.a ?? result.data?.updateAgreement;
          if (agreement) {
            acknowledged.set(id, Math.max(acknowledged.get(id) ?? 0, agreement.version as number));
          }
        } catch {
          return; // the server is gone
        }
      }
    };
    const writers = Array.from({ length: 4 }, (_, n) => writer(n));
    await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * 700));
    await server.kill();
    await Promise.all(writers);
    return acknowledged;
  }

  it('keeps every acknowledged write, applies nothing by halves, and starts cleanly, three times over', async () => {
    server = await ChildServer.start(database);
    const ids: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      ids.push(
        (
          await server.ok(
            `mutation ($input: CreateAgreementInput!) { createAgreement(input: $input) { id } }`,
            { input: AgreementFactory.input() },
          )
        ).createAgreement.id,
      );
    }
    const created: string[] = [];
    let writesSeen = 0;
    for (let cycle = 0; cycle < 3; cycle += 1) {
      const acknowledged = await writeUntilKilled(ids, created);
      server = await ChildServer.start(database);
      writesSeen += acknowledged.size;

      for (const [id, version] of acknowledged) {
        const { agreement } = await server.ok(
          `query ($id: ID!) { agreement(id: $id) { version } }`,
          { id },
        );
        expect(agreement.version).toBeGreaterThanOrEqual(version);
      }
      for (const id of created) {
        expect(await server.ok(`query ($id: ID!) { agreement(id: $id) { id } }`, { id })).toEqual({
          agreement: { id },
        });
      }
      // Every change in this stream is one event: stored versions, stages and the log agree.
      const agreements = await allAgreements(server);
      for (const agreement of agreements) {
        const events = await allEvents(server, agreement.id);
        expect(events).toHaveLength(agreement.version);
        expect(stageAfter(events)).toBe(agreement.stage);
      }
      const log = await allEvents(server);
      expect(log.map((event) => event.sequence)).toEqual(log.map((_, i) => i + 1));
      expect(log).toHaveLength(agreements.reduce((sum, agreement) => sum + agreement.version, 0));
    }
    expect(writesSeen).toBeGreaterThan(0);
  }, 120000);
});
