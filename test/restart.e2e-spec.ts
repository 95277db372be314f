import { describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { AGREEMENT_FIELDS, EVENT_FIELDS } from './factories/agreement.factory.js';
import { dialect } from './support/databases.js';
import { TestServer } from './support/server.js';

const STATE = `{
  agreements(first: 30) { totalCount edges { cursor node { ${AGREEMENT_FIELDS} timeline(first: 100) { totalCount } } } }
  events(first: 100) { totalCount edges { cursor node { ${EVENT_FIELDS} } } }
  apiTokens { id name role createdAt revokedAt }
}`;

describe('a restart on the same SQLite file', () => {
  it('finds every agreement, event and token intact, seeds nothing twice, and carries on', async () => {
    const first = await TestServer.start();
    const { agreements } = await first.ok(
      `{ agreements(search: "11th") { edges { node { id } } } }`,
    );
    const id = agreements.edges[0].node.id;
    await first.ok(
      `mutation ($id: ID!) { advanceAgreement(input: { agreementId: $id, action: SIGN }) { stage } }`,
      { id },
    );
    await first.ok(`mutation { createApiToken(name: "newsroom", role: EDITOR) { token } }`);
    const before = await first.ok(STATE);
    await first.close();

    if (dialect === 'sqlite') {
      const file = new Database(first.database.url.slice('sqlite:'.length), { readonly: true });
      expect(file.pragma('journal_mode', { simple: true })).toBe('wal');
      file.close();
    }

    const second = await TestServer.start({ database: first.database });
    try {
      expect(await second.ok(STATE)).toEqual(before);
      const { advanceAgreement } = await second.ok(
        `mutation ($id: ID!) { advanceAgreement(input: { agreementId: $id, action: SUBMIT_FOR_APPROVAL }) { stage version } }`,
        { id },
      );
      expect(advanceAgreement.stage).toBe('PARLIAMENTARY_REVIEW');
      const { events } = await second.ok(`{ events(first: 100) { edges { node { sequence } } } }`);
      const sequences = events.edges.map((edge: any) => edge.node.sequence);
      expect(sequences).toEqual(
        Array.from({ length: before.events.totalCount + 1 }, (_, i) => i + 1),
      );
    } finally {
      await second.close();
      await first.database.drop();
    }
  });
});
