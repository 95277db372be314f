import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AgreementFactory } from './factories/agreement.factory.js';
import { TestServer } from './support/server.js';

/** SQL statements one request costs, with the read cache off (the health check counts one). */
async function statements(server: TestServer, query: string): Promise<number> {
  const count = async () =>
    ((await (await fetch(`${server.url}/health`)).json()) as { sqlQueries: number }).sqlQueries;
  const before = await count();
  await server.ok(query);
  return (await count()) - before - 1;
}

describe('fields that lead to other agreements', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start({
      seedDemo: false,
      env: { COUNT_SQL_QUERIES: 'true', READ_CACHE_ENTRIES: '0' },
    });
  });
  afterAll(() => server.dispose());

  /** Adds `count` pairs of agreements, each one replacing the other. */
  async function chains(count: number): Promise<void> {
    for (let i = 0; i < count; i += 1) {
      const { id } = await AgreementFactory.create(server);
      await AgreementFactory.create(server, { predecessorId: id });
    }
  }

  it('cost as many statements for 20 agreements as for 4: predecessor, successor and event.agreement are batched', async () => {
    const lists = `{
      agreements(first: 100) { edges { node { id predecessor { id } successor { id } } } }
      events(first: 100) { edges { node { agreement { id stage } } } }
    }`;
    await chains(2);
    const few = await statements(server, lists);
    await chains(8);
    expect(await statements(server, lists)).toBe(few);
    expect(few).toBeLessThanOrEqual(6);
  });
});
