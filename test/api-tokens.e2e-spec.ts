import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AgreementFactory } from './factories/agreement.factory.js';
import { TestServer } from './support/server.js';

describe('named API tokens', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start({ seedDemo: false });
  });
  afterAll(() => server.dispose());

  it('are shown once, act under their name, record their use, and stop working when revoked', async () => {
    const { createApiToken } = await server.ok(
      `mutation { createApiToken(name: "kr-desk", role: EDITOR) { token apiToken { id name role lastUsedAt revokedAt } } }`,
    );
    expect(createApiToken).toMatchObject({
      token: expect.stringMatching(/^rat_[\w-]{43}$/),
      apiToken: { name: 'kr-desk', role: 'EDITOR', lastUsedAt: null, revokedAt: null },
    });
    const { token, apiToken } = createApiToken;

    const { id } = await AgreementFactory.create(server);
    const { updateAgreement } = await server.ok(
      `mutation ($id: ID!) { updateAgreement(input: { agreementId: $id, summary: "Draft text agreed" }) { version timeline { edges { node { type actor changedFields } } } } }`,
      { id },
      token,
    );
    expect(updateAgreement.timeline.edges.at(-1).node).toEqual({
      type: 'DETAILS_UPDATED',
      actor: 'kr-desk',
      changedFields: ['summary'],
    });

    const { apiTokens } = await server.ok(`{ apiTokens { id name lastUsedAt } }`);
    expect(apiTokens).toEqual([
      { id: apiToken.id, name: 'kr-desk', lastUsedAt: expect.any(String) },
    ]);
    expect(JSON.stringify(apiTokens)).not.toContain(token);

    const { revokeApiToken } = await server.ok(
      `mutation ($id: ID!) { revokeApiToken(id: $id) { revokedAt } }`,
      {
        id: apiToken.id,
      },
    );
    expect(revokeApiToken.revokedAt).toEqual(expect.any(String));
    const refused = await server.gql(
      `mutation ($id: ID!) { updateAgreement(input: { agreementId: $id, summary: "Other" }) { version } }`,
      { id },
      token,
    );
    expect(refused.errors?.[0].extensions).toEqual({ code: 'UNAUTHENTICATED' });
  });

  it('refuse a duplicate or reserved name, and are managed by an ADMIN only', async () => {
    await server.ok(`mutation { createApiToken(name: "newsroom", role: ADMIN) { token } }`);
    for (const name of ['newsroom', 'system', 'ADMIN_TOKEN']) {
      const result = await server.gql(
        `mutation ($name: String!) { createApiToken(name: $name, role: EDITOR) { token } }`,
        {
          name,
        },
      );
      expect(result.errors?.[0].extensions).toEqual({
        code: 'BAD_USER_INPUT',
        fields: { name: expect.any(String) },
      });
    }
    expect((await server.gql(`{ apiTokens { id } }`, {}, null)).errors?.[0].extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
  });
});
