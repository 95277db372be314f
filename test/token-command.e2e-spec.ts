import { describe, expect, it } from '@jest/globals';
import { ApiTokensService } from '../src/auth/api-tokens.service.js';
import { runTokenCommand } from '../src/cli/token.js';
import { createTestDatabase, type TestDatabase } from './support/databases.js';
import { TestServer } from './support/server.js';

async function token(database: TestDatabase, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runTokenCommand(
    argv,
    { DATABASE_URL: database.url },
    { out: (line) => out.push(line), err: (line) => err.push(line) },
  );
  return { code, out, err: err.join('\n') };
}

describe('npm run token', () => {
  it('creates the first token on a new database, then manages tokens beside a running server', async () => {
    const database = await createTestDatabase();
    const created = await token(database, 'create', '--name', 'ops', '--role', 'ADMIN');
    expect(created).toMatchObject({ code: 0, out: [expect.stringMatching(/^rat_/)] });
    expect(created.err).toContain('shown this once');

    const server = await TestServer.start({ database, seedDemo: false });
    try {
      const ops = created.out[0];
      const { createApiToken } = await server.ok(
        `mutation { createApiToken(name: "desk", role: EDITOR) { apiToken { id } } }`,
        {},
        ops,
      );
      const listed = await token(database, 'list');
      expect(listed.out).toEqual([
        expect.stringMatching(/ADMIN +ops {2}\(active; last used 20/),
        expect.stringMatching(/EDITOR +desk {2}\(active; last used never\)/),
      ]);

      const opsId = listed.out[0].split(' ')[0];
      expect(await token(database, 'revoke', '--id', opsId)).toMatchObject({
        code: 0,
        err: 'Revoked token "ops".',
      });
      const refused = await server.gql(`{ apiTokens { id } }`, {}, ops);
      expect(refused.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      expect(createApiToken.apiToken.id).toEqual(expect.any(String));
    } finally {
      await server.dispose();
      await database.drop();
    }
  });

  it('explains what is wrong, and exits non-zero, without writing', async () => {
    const database = await createTestDatabase();
    expect(await token(database)).toMatchObject({
      code: 2,
      err: expect.stringContaining('No command given.'),
    });
    expect(await token(database, 'create', '--name', 'x', '--role', 'OWNER')).toMatchObject({
      code: 1,
      err: expect.stringContaining('role must be one of the following values: EDITOR, ADMIN'),
    });
    expect(await token(database, 'create', '--name', 'system', '--role', 'ADMIN')).toMatchObject({
      code: 1,
      err: 'Invalid input. name: system is reserved; choose another name',
    });
    expect(
      await token(database, 'revoke', '--id', '00000000-0000-4000-8000-000000000000'),
    ).toMatchObject({ code: 1 });
    expect(await token(database, 'list')).toMatchObject({ code: 0, out: [] });
    expect(await token(database, 'list', '--bogus')).toMatchObject({ code: 2 });
    await database.drop();
  });
});

describe('a server no one can write to', () => {
  it('says so at start, until a token exists', async () => {
    const database = await createTestDatabase();
    const server = await TestServer.start({ database, seedDemo: false, env: { ADMIN_TOKEN: '' } });
    try {
      const tokens = server.app.get(ApiTokensService);
      expect(await tokens.writersWarning()).toContain('No token can write');
      expect(await token(database, 'create', '--name', 'ops', '--role', 'ADMIN')).toMatchObject({
        code: 0,
      });
      expect(await tokens.writersWarning()).toBeNull();
    } finally {
      await server.dispose();
      await database.drop();
    }
  });

  it('says nothing with ADMIN_TOKEN set', async () => {
    const server = await TestServer.start({ seedDemo: false });
    try {
      expect(await server.app.get(ApiTokensService).writersWarning()).toBeNull();
    } finally {
      await server.dispose();
    }
  });
});
