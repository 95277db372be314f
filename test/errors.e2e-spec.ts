import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AgreementFactory, AGREEMENT_FIELDS, EVENT_FIELDS } from './factories/agreement.factory.js';
import { ADMIN_TOKEN, TestServer } from './support/server.js';

const CREATE = `mutation ($input: CreateAgreementInput!) { createAgreement(input: $input) { id } }`;
const UPDATE = `mutation ($input: UpdateAgreementInput!) { updateAgreement(input: $input) { ${AGREEMENT_FIELDS} } }`;
const ADVANCE = `mutation ($input: AdvanceAgreementInput!) { advanceAgreement(input: $input) { ${AGREEMENT_FIELDS} } }`;
const STEP = `mutation ($input: RecordApprovalStepInput!) { recordApprovalStep(input: $input) { ${AGREEMENT_FIELDS} } }`;
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/**
 * Every agreement and every event: what a refused request must leave exactly as it was. (This
 * spec registers fewer than 30 agreements; a page of 30 with their parties is within the cost.)
 */
async function everything(server: TestServer) {
  return server.ok(
    `{ agreements(first: 30) { totalCount edges { node { ${AGREEMENT_FIELDS} } } }
       events(first: 100) { totalCount edges { node { ${EVENT_FIELDS} } } } }`,
  );
}

describe('every error of docs/design.md §2, from real requests, with nothing written', () => {
  let server: TestServer;
  let demo: any;
  let editorToken: string;
  let before: unknown;

  beforeAll(async () => {
    server = await TestServer.start();
    const { agreements } = await server.ok(
      `{ agreements(search: "11th") { edges { node { ${AGREEMENT_FIELDS} } } } }`,
    );
    demo = agreements.edges[0].node;
    const { createApiToken } = await server.ok(
      `mutation { createApiToken(name: "kr-desk", role: EDITOR) { token apiToken { name role } } }`,
    );
    editorToken = createApiToken.token;
    before = await everything(server);
  });
  afterAll(() => server.dispose());

  /**
   * Sends the request (as ADMIN when `token` is undefined), expects exactly one error with
   * `code`, and that nothing changed.
   */
  async function refused(
    query: string,
    variables: Record<string, unknown>,
    token: string | null | undefined,
    code: string,
  ) {
    const result = await server.gql(query, variables, token);
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors!;
    expect(error.extensions?.code).toBe(code);
    expect(error.message).toEqual(expect.any(String));
    expect(JSON.stringify(error)).not.toMatch(/stack|SELECT|INSERT|UPDATE "/);
    expect(await everything(server)).toEqual(before);
    return error;
  }

  it('UNAUTHENTICATED: a write without a token, or with a wrong one', async () => {
    const input = { agreementId: demo.id, action: 'SIGN' };
    const none = await refused(ADVANCE, { input }, null, 'UNAUTHENTICATED');
    expect(none.message).toContain('Authorization: Bearer');
    await refused(ADVANCE, { input }, 'not-a-token-of-this-server', 'UNAUTHENTICATED');
    await refused(CREATE, { input: AgreementFactory.input() }, null, 'UNAUTHENTICATED');
  });

  it('FORBIDDEN: an EDITOR advancing a stage or registering at a later stage', async () => {
    const error = await refused(
      ADVANCE,
      { input: { agreementId: demo.id, action: 'SIGN' } },
      editorToken,
      'FORBIDDEN',
    );
    expect(error.extensions).toEqual({ code: 'FORBIDDEN', requiredRole: 'ADMIN' });
    expect(error.message).toBe(
      'advanceAgreement needs the ADMIN role; the token "kr-desk" has EDITOR.',
    );
    await refused(
      CREATE,
      { input: AgreementFactory.input({ stage: 'SIGNED' }) },
      editorToken,
      'FORBIDDEN',
    );
    await refused(
      `mutation { createApiToken(name: "x", role: ADMIN) { token } }`,
      {},
      editorToken,
      'FORBIDDEN',
    );
  });

  it('NOT_FOUND: an unknown agreement or party', async () => {
    await refused(
      ADVANCE,
      { input: { agreementId: UNKNOWN_ID, action: 'SIGN' } },
      undefined,
      'NOT_FOUND',
    );
    await refused(
      UPDATE,
      { input: { agreementId: UNKNOWN_ID, title: 'x' } },
      undefined,
      'NOT_FOUND',
    );
    await refused(
      STEP,
      { input: { agreementId: demo.id, partyCode: 'JP', status: 'SUBMITTED' } },
      editorToken,
      'NOT_FOUND',
    );
    const { errors } = await server.gql(
      `query ($id: ID) { events(agreementId: $id) { totalCount } }`,
      { id: UNKNOWN_ID },
    );
    expect(errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(
      (await server.ok(`query ($id: ID!) { agreement(id: $id) { id } }`, { id: UNKNOWN_ID }))
        .agreement,
    ).toBeNull();
  });

  it('BAD_USER_INPUT: invalid input, each bad field named', async () => {
    const error = await refused(
      CREATE,
      {
        input: AgreementFactory.input({
          title: '   ',
          termYears: -1,
          sourceUrl: 'javascript:alert(1)',
          parties: [
            { code: 'UK', name: 'United Kingdom', approvalRequired: true },
            { code: 'gb', name: 'Bell\u0007', approvalRequired: true },
          ],
        }),
      },
      undefined,
      'BAD_USER_INPUT',
    );
    expect(Object.keys(error.extensions?.fields as object).sort()).toEqual([
      'parties.0.code',
      'parties.1.name',
      'sourceUrl',
      'termYears',
      'title',
    ]);
    const future = new Date(Date.now() + 24 * 3600 * 1000).toISOString();
    const dated = await refused(
      ADVANCE,
      { input: { agreementId: demo.id, action: 'SIGN', occurredAt: future } },
      undefined,
      'BAD_USER_INPUT',
    );
    expect(dated.extensions?.fields).toEqual({
      occurredAt: 'occurredAt must not be in the future',
    });
    const early = await refused(
      ADVANCE,
      { input: { agreementId: demo.id, action: 'SIGN', occurredAt: '2021-03-06T00:00:00Z' } },
      undefined,
      'BAD_USER_INPUT',
    );
    expect(early.extensions?.fields).toEqual({
      occurredAt: expect.stringContaining('before the agreement entered its current stage'),
    });
    await refused(
      UPDATE,
      { input: { agreementId: demo.id, title: null } },
      editorToken,
      'BAD_USER_INPUT',
    );
    await refused(UPDATE, { input: { agreementId: demo.id } }, editorToken, 'BAD_USER_INPUT');
    await refused(
      UPDATE,
      { input: { agreementId: demo.id, predecessorId: demo.id } },
      editorToken,
      'BAD_USER_INPUT',
    );
    await refused(
      CREATE,
      {
        input: AgreementFactory.input({
          parties: [{ code: 'US', name: 'United States', approvalRequired: false }],
        }),
      },
      editorToken,
      'BAD_USER_INPUT',
    );
    await refused(`{ agreements(first: 101) { totalCount } }`, {}, null, 'BAD_USER_INPUT');
    await refused(
      `{ agreements(after: "not-a-cursor") { totalCount } }`,
      {},
      null,
      'BAD_USER_INPUT',
    );
    // GraphQL's own checks: a wrong enum value in a variable.
    await refused(
      ADVANCE,
      { input: { agreementId: demo.id, action: 'SIGN_IT' } },
      undefined,
      'BAD_USER_INPUT',
    );
  });

  it('INVALID_TRANSITION: an action the stage or its guard does not allow', async () => {
    const error = await refused(
      ADVANCE,
      { input: { agreementId: demo.id, action: 'RATIFY' } },
      undefined,
      'INVALID_TRANSITION',
    );
    expect(error.extensions).toEqual({
      code: 'INVALID_TRANSITION',
      stage: 'AGREEMENT_IN_PRINCIPLE',
      action: 'RATIFY',
      availableActions: ['REOPEN', 'SIGN', 'WITHDRAW'],
      reason: 'RATIFY is possible only from SIGNED or PARLIAMENTARY_REVIEW',
    });
    const step = await refused(
      STEP,
      { input: { agreementId: demo.id, partyCode: 'KR', status: 'APPROVED' } },
      editorToken,
      'INVALID_TRANSITION',
    );
    expect(step.extensions?.reason).toContain('only during PARLIAMENTARY_REVIEW');
  });

  it('VERSION_CONFLICT: an expectedVersion that is not the stored one', async () => {
    const error = await refused(
      ADVANCE,
      { input: { agreementId: demo.id, action: 'SIGN', expectedVersion: demo.version - 1 } },
      undefined,
      'VERSION_CONFLICT',
    );
    expect(error.extensions).toEqual({
      code: 'VERSION_CONFLICT',
      expectedVersion: demo.version - 1,
      actualVersion: demo.version,
    });
  });

  it('answers over WebSocket with the same codes', async () => {
    const unknown = await server.subscribe(
      `subscription ($id: ID) { agreementEvents(agreementId: $id) { sequence } }`,
      {
        id: UNKNOWN_ID,
      },
    );
    expect(await unknown.failure()).toEqual([
      expect.objectContaining({ extensions: { code: 'NOT_FOUND' } }),
    ]);
    const malformed = await server.subscribe(
      `subscription { approvalUpdated(agreementId: "nope") { sequence } }`,
    );
    expect(await malformed.failure()).toEqual([
      expect.objectContaining({
        extensions: {
          code: 'BAD_USER_INPUT',
          fields: { agreementId: 'agreementId must be a UUID' },
        },
      }),
    ]);
    const invalid = await server.subscribe(`subscription { agreementEvents { noSuchField } }`);
    expect(await invalid.failure()).toEqual([
      expect.objectContaining({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }),
    ]);
    const cursorAhead = await server.subscribe(
      `subscription ($after: String) { agreementEvents(after: $after) { sequence } }`,
      {
        after: Buffer.from('event:999999').toString('base64url'),
      },
    );
    expect(await cursorAhead.failure()).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
    ]);
    await Promise.all([unknown, malformed, invalid, cursorAhead].map((s) => s.close()));
    expect(await everything(server)).toEqual(before);
  });
});

describe('internal errors', () => {
  it('reach the client as INTERNAL_SERVER_ERROR without SQL, stack or detail', async () => {
    const server = await TestServer.start();
    // Break the database behind the server's back: every read of parties now fails.
    await server.database.exec('ALTER TABLE "party" RENAME TO "party_gone"');
    const result = await server.gql(`{ agreements { edges { node { parties { code } } } } }`);
    expect(result.errors).toEqual([
      {
        message: 'Internal server error. It has been logged.',
        locations: expect.any(Array),
        path: expect.arrayContaining(['agreements']),
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      },
    ]);
    expect(JSON.stringify(result)).not.toMatch(/party|SQL|no such table/i);
    await server.dispose();
  });
});

describe('writes over WebSocket', () => {
  it('take the token from connectionParams.authorization, and refuse a write without one', async () => {
    const server = await TestServer.start({ seedDemo: false });
    const { id } = await AgreementFactory.create(server);
    const STALL = `mutation ($id: ID!) { advanceAgreement(input: { agreementId: $id, action: STALL }) { stage } }`;

    const anonymous = server.overWebSocket(STALL, { id });
    expect(await anonymous.failure()).toEqual([
      expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED' } }),
    ]);
    const admin = server.overWebSocket(STALL, { id }, { authorization: `Bearer ${ADMIN_TOKEN}` });
    expect(await admin.take(1)).toEqual([{ advanceAgreement: { stage: 'STALLED' } }]);
    await Promise.all([anonymous.close(), admin.close()]);
    await server.dispose();
  });
});
