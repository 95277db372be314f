import { afterAll, describe, expect, it } from '@jest/globals';
import { AgreementFactory } from './factories/agreement.factory.js';
import { TestServer } from './support/server.js';

const FIELDS = `id stage signedAt parties { code status consentedAt inForceFrom }`;

/** The columns the PartyBinding migration adds, by table. */
const ADDED = {
  party: [
    'status',
    'weight',
    'signedAt',
    'consentMeans',
    'consentedAt',
    'consentReference',
    'inForceFrom',
    'withdrawalNoticeAt',
    'withdrawalEffectiveAt',
    'provisionalApplicationFrom',
    'lastActionAt',
  ],
  agreement: ['signedAt', 'entryIntoForce', 'withdrawalNoticeMonths', 'expiresAt'],
  agreement_event: ['partyAction', 'partyStatus', 'consentMeans', 'reference'],
};

describe('the PartyBinding migration on a database recorded before it', () => {
  let before: TestServer | undefined;
  let server: TestServer | undefined;
  afterAll(async () => {
    await before?.close().catch(() => undefined); // already closed when the test got that far
    await server?.close();
    await before?.database.drop();
  });

  it('gives the parties of agreements already recorded what their stage says', async () => {
    before = await TestServer.start({ seedDemo: true });
    const recording = before;
    const create = async (overrides: Parameters<typeof AgreementFactory.input>[0]) =>
      (
        await recording.ok(
          `mutation ($input: CreateAgreementInput!) { createAgreement(input: $input) { id } }`,
          { input: AgreementFactory.input(overrides) },
        )
      ).createAgreement.id as string;
    const advance = (id: string, action: string, occurredAt: string) =>
      recording.ok(
        `mutation ($input: AdvanceAgreementInput!) { advanceAgreement(input: $input) { id } }`,
        {
          input: { agreementId: id, action, occurredAt },
        },
      );
    // Walked to IN_FORCE through the workflow: signed 2020-01-01, ratified 2020-02-01, in force
    // 2020-03-01 (the US needs no approval; KR is registered APPROVED at RATIFIED).
    const walked = await create({
      stage: 'NEGOTIATION',
      stageEnteredAt: '2019-11-01T00:00:00.000Z',
      parties: [
        { code: 'US', name: 'United States', approvalRequired: false },
        { code: 'JP', name: 'Japan', approvalRequired: false },
      ],
    });
    await advance(walked, 'REACH_AGREEMENT_IN_PRINCIPLE', '2019-12-01T00:00:00.000Z');
    await advance(walked, 'SIGN', '2020-01-01T00:00:00.000Z');
    await advance(walked, 'RATIFY', '2020-02-01T00:00:00.000Z');
    await advance(walked, 'ENTER_INTO_FORCE', '2020-03-01T00:00:00.000Z');
    const ratified = await create({
      stage: 'RATIFIED',
      stageEnteredAt: '2021-05-01T00:00:00.000Z',
    });
    const signed = await create({ stage: 'SIGNED', stageEnteredAt: '2022-07-01T00:00:00.000Z' });
    const negotiating = await create({});
    await recording.close();

    // Back to the schema before the migration: its columns gone, and TypeORM's record of it.
    const statements = [
      'DROP INDEX "IDX_party_code_status"',
      ...Object.entries(ADDED).flatMap(([table, columns]) =>
        columns.map((column) => `ALTER TABLE "${table}" DROP COLUMN "${column}"`),
      ),
      `DELETE FROM "migrations" WHERE "name" = 'PartyBinding1764700000000'`,
    ];
    await recording.database.exec(statements.join(';\n'));

    server = await TestServer.start({ database: recording.database, seedDemo: true });
    const read = async (id: string) =>
      (await server!.ok(`query ($id: ID!) { agreement(id: $id) { ${FIELDS} } }`, { id })).agreement;

    expect(await read(walked)).toEqual({
      id: walked,
      stage: 'IN_FORCE',
      signedAt: '2020-01-01T00:00:00.000Z',
      parties: [
        { code: 'US', status: 'PARTY', consentedAt: null, inForceFrom: '2020-03-01T00:00:00.000Z' },
        { code: 'JP', status: 'PARTY', consentedAt: null, inForceFrom: '2020-03-01T00:00:00.000Z' },
      ],
    });
    expect((await read(ratified)).parties).toEqual([
      {
        code: 'US',
        status: 'CONSENTED',
        consentedAt: '2021-05-01T00:00:00.000Z',
        inForceFrom: null,
      },
      {
        code: 'KR',
        status: 'CONSENTED',
        consentedAt: '2021-05-01T00:00:00.000Z',
        inForceFrom: null,
      },
    ]);
    expect(await read(signed)).toMatchObject({ signedAt: '2022-07-01T00:00:00.000Z' });
    expect((await read(signed)).parties.map((party: any) => party.status)).toEqual([
      'NEGOTIATING',
      'NEGOTIATING',
    ]);
    expect(await read(negotiating)).toMatchObject({ signedAt: null });

    // The demo's 10th SMA expired: it was in force for both, from a date the record lacks.
    const { agreements } = await server.ok(
      `{ agreements(search: "10th sma") { edges { node { ${FIELDS} } } } }`,
    );
    expect(agreements.edges[0].node.parties.map((party: any) => party.status)).toEqual([
      'PARTY',
      'PARTY',
    ]);
  });
});
