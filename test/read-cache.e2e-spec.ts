import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AgreementFactory } from './factories/agreement.factory.js';
import { TestServer } from './support/server.js';

const STATUS = `query ($id: ID!) { agreement(id: $id) { stage version availableActions timeline(last: 2) { edges { node { action } } } } }`;

async function sqlCount(server: TestServer): Promise<number> {
  const health = (await (await fetch(`${server.url}/health`)).json()) as { sqlQueries: number };
  return health.sqlQueries;
}

/** SQL statements one request costs (the health check itself counts one). */
async function cost(server: TestServer, query: string, variables: Record<string, unknown>) {
  const before = await sqlCount(server);
  const result = await server.gql(query, variables);
  return { result, statements: (await sqlCount(server)) - before - 1 };
}

describe('the read cache', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start({ seedDemo: false, env: { COUNT_SQL_QUERIES: 'true' } });
  });
  afterAll(() => server.dispose());

  it('counts the statements of requests only, not the scheduler checking for due moves each second', async () => {
    const before = await sqlCount(server);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await sqlCount(server)) - before).toBe(1); // the second health check
  });

  it('answers a repeated read with one statement (the head of the log), and a write at once makes it read again', async () => {
    const { id } = await AgreementFactory.create(server);
    const first = await cost(server, STATUS, { id });
    expect(first.statements).toBeGreaterThan(1);
    const again = await cost(server, STATUS, { id });
    expect(again).toEqual({ result: first.result, statements: 1 });

    await server.ok(
      `mutation ($id: ID!) { advanceAgreement(input: { agreementId: $id, action: STALL }) { version } }`,
      { id },
    );
    const after = await cost(server, STATUS, { id });
    expect(after.statements).toBeGreaterThan(1);
    expect(after.result.data).toMatchObject({
      agreement: { stage: 'STALLED', version: 2, availableActions: ['RESUME', 'WITHDRAW'] },
    });
  });

  it('keeps answers apart by variables, and never keeps token lists or errors', async () => {
    const [a, b] = [
      await AgreementFactory.create(server, { title: 'A' }),
      await AgreementFactory.create(server, { title: 'B' }),
    ];
    const title = `query ($id: ID!) { agreement(id: $id) { title } }`;
    expect((await server.ok(title, { id: a.id })).agreement.title).toBe('A');
    expect((await server.ok(title, { id: b.id })).agreement.title).toBe('B');

    const tokens = `{ apiTokens { name } }`;
    await server.ok(tokens);
    await server.ok(`mutation { createApiToken(name: "cache-check", role: EDITOR) { token } }`);
    expect((await server.ok(tokens)).apiTokens).toEqual([{ name: 'cache-check' }]);

    const bad = `query ($id: ID!) { agreement(id: $id) { title } }`;
    expect((await cost(server, bad, { id: 'nope' })).result.errors).toBeDefined();
    expect((await server.gql(bad, { id: 'nope' })).errors?.[0].extensions?.code).toBe(
      'BAD_USER_INPUT',
    );
  });

  it('is off with READ_CACHE_ENTRIES=0', async () => {
    const uncached = await TestServer.start({
      seedDemo: false,
      env: { COUNT_SQL_QUERIES: 'true', READ_CACHE_ENTRIES: '0' },
    });
    try {
      const { id } = await AgreementFactory.create(uncached);
      const first = await cost(uncached, STATUS, { id });
      expect((await cost(uncached, STATUS, { id })).statements).toBe(first.statements);
    } finally {
      await uncached.dispose();
    }
  });
});
