import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AgreementFactory } from './factories/agreement.factory.js';
import { TestServer } from './support/server.js';

const STALL_AT = `mutation ($id: ID!, $at: DateTime) {
  advanceAgreement(input: { agreementId: $id, action: STALL, occurredAt: $at }) { version }
}`;

/** What a refused write must leave as it was: the agreement's version and its events. */
async function written(server: TestServer, agreementId: string) {
  return server.ok(
    `query ($id: ID!) {
       agreement(id: $id) { version }
       events(agreementId: $id) { totalCount }
     }`,
    { id: agreementId },
  );
}

describe('DateTime over HTTP: a date that does not exist is refused, one that does is kept', () => {
  let server: TestServer;
  let agreementId: string;
  let before: unknown;

  beforeAll(async () => {
    server = await TestServer.start({ seedDemo: false });
    agreementId = (await AgreementFactory.create(server, { stageEnteredAt: '2024-01-01' })).id;
    before = await written(server, agreementId);
  });
  afterAll(() => server.dispose());

  it('refuses 2024-02-30 given as a variable, as BAD_USER_INPUT naming the value', async () => {
    const result = await server.gql(STALL_AT, { id: agreementId, at: '2024-02-30T00:00:00Z' });
    expect(result.data).toBeUndefined();
    expect(result.errors).toEqual([
      {
        message:
          'Variable "$at" got invalid value "2024-02-30T00:00:00Z"; DateTime cannot represent "2024-02-30T00:00:00Z": February 2024 has 29 days',
        locations: [{ line: 1, column: 21 }],
        extensions: { code: 'BAD_USER_INPUT' },
      },
    ]);
    expect(await written(server, agreementId)).toEqual(before);
  });

  it('refuses 2024-02-30 written in the query, as a validation failure naming the value', async () => {
    const query = `mutation {
      advanceAgreement(input: {
        agreementId: "${agreementId}", action: STALL, occurredAt: "2024-02-30T00:00:00Z"
      }) { version }
    }`;
    const result = await server.gql(query);
    expect(result.data).toBeUndefined();
    expect(result.errors).toEqual([
      {
        message: 'DateTime cannot represent "2024-02-30T00:00:00Z": February 2024 has 29 days',
        // The literal itself, not the mutation around it.
        locations: [{ line: 3, column: query.split('\n')[2].indexOf('"2024-02-30') + 1 }],
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      },
    ]);
    expect(await written(server, agreementId)).toEqual(before);
  });

  it('accepts 2024-02-29 and stores it exactly', async () => {
    const { advanceAgreement } = await server.ok(STALL_AT, {
      id: agreementId,
      at: '2024-02-29T12:00:00Z',
    });
    expect(advanceAgreement.version).toBe((before as any).agreement.version + 1);
    const { agreement } = await server.ok(
      `query ($id: ID!) {
         agreement(id: $id) { stage stageEnteredAt timeline { edges { node { action occurredAt } } } }
       }`,
      { id: agreementId },
    );
    expect(agreement).toEqual({
      stage: 'STALLED',
      stageEnteredAt: '2024-02-29T12:00:00.000Z',
      timeline: {
        edges: [
          { node: { action: null, occurredAt: '2024-01-01T00:00:00.000Z' } },
          { node: { action: 'STALL', occurredAt: '2024-02-29T12:00:00.000Z' } },
        ],
      },
    });
  });
});
