import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AgreementFactory } from './factories/agreement.factory.js';
import { TestServer } from './support/server.js';

type Outcome = 'allowed' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'closed 4403';
type Principal = 'no token' | 'wrong token' | 'revoked token' | 'EDITOR' | 'ADMIN';

interface Operation {
  name: string;
  /** The role docs/design.md §2 asks for. */
  role: 'EDITOR' | 'ADMIN';
  query: string;
  /** Fresh variables, prepared as the bootstrap admin, so that an allowed call succeeds. */
  prepare: () => Promise<Record<string, unknown>>;
}

describe('the authorization matrix: every write × every kind of caller, over HTTP and WebSocket', () => {
  let server: TestServer;
  const tokens: Record<Principal, string | null> = {
    'no token': null,
    'wrong token': 'rat_not-a-token-of-this-server',
    'revoked token': null,
    EDITOR: null,
    ADMIN: null,
  };
  let counter = 0;

  beforeAll(async () => {
    // The webhooks point at the discard port of this machine: refused at once.
    server = await TestServer.start({ seedDemo: false, env: { WEBHOOK_ALLOW_PRIVATE: 'true' } });
    const create = async (name: string, role: string) =>
      (
        await server.ok(
          `mutation ($name: String!, $role: Role!) { createApiToken(name: $name, role: $role) { token apiToken { id } } }`,
          { name, role },
        )
      ).createApiToken as { token: string; apiToken: { id: string } };
    tokens.EDITOR = (await create('matrix-editor', 'EDITOR')).token;
    tokens.ADMIN = (await create('matrix-admin', 'ADMIN')).token;
    const revoked = await create('matrix-revoked', 'ADMIN');
    await server.ok(`mutation ($id: ID!) { revokeApiToken(id: $id) { id } }`, {
      id: revoked.apiToken.id,
    });
    tokens['revoked token'] = revoked.token;
  });
  afterAll(() => server.dispose());

  const agreement = async (overrides = {}) =>
    (await AgreementFactory.create(server, overrides)).id as string;
  const webhook = async () => ({
    id: (
      await server.ok(
        `mutation { createWebhook(input: { url: "http://127.0.0.1:9/hooks" }) { webhook { id } } }`,
      )
    ).createWebhook.webhook.id as string,
  });
  const operations: Operation[] = [
    {
      name: 'createAgreement',
      role: 'EDITOR',
      query: `mutation ($input: CreateAgreementInput!) { createAgreement(input: $input) { id } }`,
      prepare: () => Promise.resolve({ input: AgreementFactory.input() }),
    },
    {
      name: 'createAgreement at a later stage',
      role: 'ADMIN',
      query: `mutation ($input: CreateAgreementInput!) { createAgreement(input: $input) { id } }`,
      prepare: () => Promise.resolve({ input: AgreementFactory.input({ stage: 'SIGNED' }) }),
    },
    {
      name: 'updateAgreement',
      role: 'EDITOR',
      query: `mutation ($id: ID!) { updateAgreement(input: { agreementId: $id, summary: "Revised" }) { id } }`,
      prepare: async () => ({ id: await agreement() }),
    },
    {
      name: 'advanceAgreement',
      role: 'ADMIN',
      query: `mutation ($id: ID!) { advanceAgreement(input: { agreementId: $id, action: STALL }) { id } }`,
      prepare: async () => ({ id: await agreement() }),
    },
    {
      name: 'recordApprovalStep',
      role: 'EDITOR',
      query: `mutation ($id: ID!) { recordApprovalStep(input: { agreementId: $id, partyCode: "KR", status: SUBMITTED }) { id } }`,
      prepare: async () => ({ id: await agreement({ stage: 'PARLIAMENTARY_REVIEW' }) }),
    },
    {
      name: 'recordPartyAction',
      role: 'EDITOR',
      query: `mutation ($id: ID!) { recordPartyAction(input: { agreementId: $id, partyCode: "US", action: SIGN }) { id } }`,
      prepare: async () => ({ id: await agreement({ stage: 'SIGNED' }) }),
    },
    {
      name: 'addParty',
      role: 'EDITOR',
      query: `mutation ($id: ID!) { addParty(input: { agreementId: $id, party: { code: "JP", name: "Japan", approvalRequired: false } }) { id } }`,
      prepare: async () => ({ id: await agreement({ stage: 'SIGNED' }) }),
    },
    {
      name: 'createApiToken',
      role: 'ADMIN',
      query: `mutation ($name: String!) { createApiToken(name: $name, role: EDITOR) { token } }`,
      prepare: () => Promise.resolve({ name: `made-${(counter += 1)}` }),
    },
    {
      name: 'revokeApiToken',
      role: 'ADMIN',
      query: `mutation ($id: ID!) { revokeApiToken(id: $id) { id } }`,
      prepare: async () => ({
        id: (
          await server.ok(
            `mutation ($name: String!) { createApiToken(name: $name, role: EDITOR) { apiToken { id } } }`,
            { name: `victim-${(counter += 1)}` },
          )
        ).createApiToken.apiToken.id,
      }),
    },
    {
      name: 'apiTokens',
      role: 'ADMIN',
      query: `{ apiTokens { id } }`,
      prepare: () => Promise.resolve({}),
    },
    {
      name: 'createWebhook',
      role: 'ADMIN',
      query: `mutation { createWebhook(input: { url: "http://127.0.0.1:9/hooks" }) { secret } }`,
      prepare: () => Promise.resolve({}),
    },
    ...(
      [
        ['updateWebhook', `updateWebhook(input: { id: $id, description: "Changed" }) { id }`],
        ['rotateWebhookSecret', `rotateWebhookSecret(id: $id) { secret }`],
        ['deleteWebhook', `deleteWebhook(id: $id) { id }`],
      ] as const
    ).map(([name, field]) => ({
      name,
      role: 'ADMIN' as const,
      query: `mutation ($id: ID!) { ${field} }`,
      prepare: webhook,
    })),
    {
      name: 'webhooks',
      role: 'ADMIN',
      query: `{ webhooks { id deliveries { id } } }`,
      prepare: () => Promise.resolve({}),
    },
  ];

  function expected(
    operation: Operation,
    principal: Principal,
    transport: 'HTTP' | 'WebSocket',
  ): Outcome {
    switch (principal) {
      case 'no token':
        return 'UNAUTHENTICATED';
      case 'wrong token':
      case 'revoked token':
        return transport === 'WebSocket' ? 'closed 4403' : 'UNAUTHENTICATED';
      case 'EDITOR':
        return operation.role === 'EDITOR' ? 'allowed' : 'FORBIDDEN';
      case 'ADMIN':
        return 'allowed';
    }
  }

  async function outcome(
    operation: Operation,
    principal: Principal,
    transport: 'HTTP' | 'WebSocket',
  ): Promise<string> {
    const variables = await operation.prepare();
    const token = tokens[principal];
    if (transport === 'HTTP') {
      const result = await server.gql(operation.query, variables, token);
      return result.errors ? String(result.errors[0].extensions?.code) : 'allowed';
    }
    const client = server.overWebSocket(
      operation.query,
      variables,
      token ? { authorization: `Bearer ${token}` } : undefined,
    );
    try {
      await client.failure().catch(() => undefined);
      if (client.received.length > 0) {
        return 'allowed';
      }
      const [error] = client.errors as { code?: number; extensions?: { code: string } }[];
      return error?.code ? `closed ${error.code}` : String(error?.extensions?.code);
    } finally {
      await client.close();
    }
  }

  it('allows and refuses exactly as docs/design.md §2 says', async () => {
    const seen: Record<string, string> = {};
    const wanted: Record<string, string> = {};
    for (const operation of operations) {
      for (const principal of Object.keys(tokens) as Principal[]) {
        for (const transport of ['HTTP', 'WebSocket'] as const) {
          const cell = `${operation.name} | ${principal} | ${transport}`;
          wanted[cell] = expected(operation, principal, transport);
          seen[cell] = await outcome(operation, principal, transport);
        }
      }
    }
    expect(seen).toEqual(wanted);
    expect(Object.keys(seen)).toHaveLength(operations.length * 5 * 2);
  });
});
