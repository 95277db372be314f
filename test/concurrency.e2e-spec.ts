import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AgreementFactory } from './factories/agreement.factory.js';
import { TestServer } from './support/server.js';

const ADVANCE = `mutation ($input: AdvanceAgreementInput!) { advanceAgreement(input: $input) { stage version } }`;

describe('concurrent writes to one agreement', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start({ seedDemo: false });
  });
  afterAll(() => server.dispose());

  async function eventCount(agreementId: string): Promise<number> {
    const { events } = await server.ok(
      `query ($id: ID) { events(agreementId: $id) { totalCount } }`,
      {
        id: agreementId,
      },
    );
    return events.totalCount as number;
  }

  it('applies exactly one of 20 advanceAgreement calls with the same expectedVersion', async () => {
    const agreement = await AgreementFactory.create(server);
    const before = await eventCount(agreement.id);

    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        server.gql(ADVANCE, {
          input: {
            agreementId: agreement.id,
            action: i % 2 ? 'STALL' : 'REACH_AGREEMENT_IN_PRINCIPLE',
            expectedVersion: agreement.version,
          },
        }),
      ),
    );

    const applied = results.filter((result) => !result.errors);
    const codes = results
      .flatMap((result) => result.errors ?? [])
      .map((error) => error.extensions?.code);
    expect(applied).toHaveLength(1);
    expect(codes).toHaveLength(19);
    expect(new Set(codes)).toEqual(new Set(['VERSION_CONFLICT']));
    expect(await eventCount(agreement.id)).toBe(before + 1);
    const { agreement: after } = await server.ok(
      `query ($id: ID!) { agreement(id: $id) { stage version } }`,
      {
        id: agreement.id,
      },
    );
    expect(after).toEqual(applied[0].data.advanceAgreement);
    expect(after.version).toBe(agreement.version + 1);
  });

  it('applies one of 20 identical calls without expectedVersion; the others no longer fit the stage', async () => {
    const agreement = await AgreementFactory.create(server);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        server.gql(ADVANCE, { input: { agreementId: agreement.id, action: 'STALL' } }),
      ),
    );
    expect(results.filter((result) => !result.errors)).toHaveLength(1);
    const codes = results
      .flatMap((result) => result.errors ?? [])
      .map((error) => error.extensions?.code);
    expect(codes).toEqual(Array(19).fill('INVALID_TRANSITION'));
    expect(await eventCount(agreement.id)).toBe(2);
  });

  it('keeps the log gap-free across concurrent writers on several agreements', async () => {
    const agreements = await Promise.all(
      Array.from({ length: 5 }, () => AgreementFactory.create(server)),
    );
    await Promise.all(
      agreements.flatMap((agreement) =>
        ['STALL', 'RESUME', 'STALL', 'RESUME'].map((action) =>
          server.gql(ADVANCE, { input: { agreementId: agreement.id, action } }),
        ),
      ),
    );
    const { events } = await server.ok(
      `{ events(first: 100) { totalCount edges { node { sequence } } } }`,
    );
    const sequences = events.edges.map((edge: any) => edge.node.sequence);
    expect(sequences).toEqual(Array.from({ length: events.totalCount }, (_, i) => i + 1));
  });
});
