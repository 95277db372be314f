import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runTokenCommand } from '../src/cli/token.js';
import { TestServer } from './support/server.js';

const CREATE = `mutation ($name: String!) { createApiToken(name: $name, role: EDITOR) { apiToken { name } } }`;

describe('API token names', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start({ seedDemo: false });
  });
  afterAll(() => server.dispose());

  const create = (name: string) => server.gql(CREATE, { name });
  const names = async () =>
    ((await server.ok(`{ apiTokens { name } }`)).apiTokens as { name: string }[]).map(
      (token) => token.name,
    );

  it.each([
    ['system', 'System'],
    ['system', 'SYSTEM'],
    ['system', '\u0455\u0443\u0455t\u0435m'], // Cyrillic ѕ у ѕ е
    ['system', '\u0405\u04AE\u0405\u0422\u0415\u041C'], // Cyrillic capitals
    ['system', '\uFF53\uFF59\uFF53\uFF54\uFF45\uFF4D'], // full-width
    ['ADMIN_TOKEN', 'admin_token'],
    ['ADMIN_TOKEN', 'ADMIN_T0KEN'],
    ['ADMIN_TOKEN', 'ADMlN_TOKEN'],
    ['ADMIN_TOKEN', '\u0410DMIN_\u0422\u041EKEN'], // Cyrillic А Т О
    ['demo-seed', 'Demo-Seed'],
    ['demo-seed', '\u0501\u0435m\u043E-seed'], // Cyrillic ԁ е о
  ])('refuse an imitation of the reserved actor %s: %j, writing nothing', async (actor, name) => {
    const before = await names();
    const result = await create(name);
    expect(result.data).toBeNull();
    expect(result.errors?.[0].extensions).toEqual({
      code: 'BAD_USER_INPUT',
      fields: { name: `${name} imitates the reserved name ${actor}; choose another name` },
    });
    expect(await names()).toEqual(before);
  });

  it.each([
    ['sys\u200Btem'], // zero-width space
    ['demo\u2010seed'], // hyphen
  ])('refuse %j, which validation stops before the service', async (name) => {
    const before = await names();
    const result = await create(name);
    expect(result.errors?.[0].extensions).toEqual({
      code: 'BAD_USER_INPUT',
      fields: { name: expect.any(String) },
    });
    expect(await names()).toEqual(before);
  });

  it('refuse a name that imitates an existing token, naming that token', async () => {
    await server.ok(CREATE, { name: 'kr-desk' });
    const before = await names();
    for (const name of ['KR-DESK', 'kr-d\u0435sk', '\u041Ar-desk']) {
      const result = await create(name);
      expect(result.errors?.[0].extensions).toEqual({
        code: 'BAD_USER_INPUT',
        fields: {
          name: `${name} imitates the token named kr-desk; names identify actors in the log`,
        },
      });
    }
    expect((await create('kr-desk')).errors?.[0].extensions?.fields).toEqual({
      name: 'a token named kr-desk exists already; names identify actors in the log',
    });
    expect(await names()).toEqual(before);
  });

  it('refuse an imitation of a revoked token, whose name is still in the log', async () => {
    const { createApiToken } = await server.ok(
      `mutation { createApiToken(name: "ops", role: ADMIN) { apiToken { id } } }`,
    );
    await server.ok(`mutation ($id: ID!) { revokeApiToken(id: $id) { id } }`, {
      id: createApiToken.apiToken.id,
    });
    expect((await create('0PS')).errors?.[0].extensions?.fields).toEqual({
      name: '0PS imitates the token named ops; names identify actors in the log',
    });
  });

  it('accept names that only differ, in any script', async () => {
    const accepted = ['us-desk', 'kr_desk', '서울', '부산-데스크', '東京', 'ソウル', 'Zürich'];
    for (const name of accepted) {
      const { createApiToken } = await server.ok(CREATE, { name });
      expect(createApiToken.apiToken.name).toBe(name);
    }
    expect(await names()).toEqual(expect.arrayContaining(accepted));
  });

  it('are refused the same way by npm run token', async () => {
    const err: string[] = [];
    const code = await runTokenCommand(
      ['create', '--name', '\u0405ystem', '--role', 'ADMIN'],
      { DATABASE_URL: server.database.url },
      { out: () => undefined, err: (line) => err.push(line) },
    );
    expect({ code, err }).toEqual({
      code: 1,
      err: [
        'Invalid input. name: \u0405ystem imitates the reserved name system; choose another name',
      ],
    });
  });
});
