import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { AgreementFactory } from './factories/agreement.factory.js';
import { ADMIN_TOKEN, TestServer } from './support/server.js';

/** Codes that say "your request was wrong", never "the server broke". */
const CLIENT_CODES = new Set([
  'BAD_USER_INPUT',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'BAD_REQUEST',
  'PAYLOAD_TOO_LARGE',
  'NOT_FOUND',
  'INVALID_TRANSITION',
  'VERSION_CONFLICT',
  'QUERY_TOO_COMPLEX',
]);
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);

// --- Inputs a careless or hostile client might send ------------------------------------------
const controls = fc.string({
  unit: fc.constantFrom(
    '\u0000',
    '\u0007',
    '\u001b',
    '\n',
    '\r',
    '\t',
    '\u007f',
    '\u200b',
    'a',
    'é',
  ),
});
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  controls,
  fc.constantFrom(
    '',
    '   ',
    '\uD800',
    '%',
    "'; DROP TABLE agreement; --",
    'x'.repeat(5_000),
    'x'.repeat(150_000),
  ),
);
const date = fc.oneof(
  fc
    .date({ noInvalidDate: true, min: new Date(-8.64e15), max: new Date(8.64e15) })
    .map((d) => d.toISOString()),
  fc.constantFrom(
    '0000-01-01T00:00:00Z',
    '1799-12-31T23:59:59Z',
    '9999-12-31T23:59:59Z',
    '2021-02-30T00:00:00Z',
    'yesterday',
    '',
  ),
  fc.integer(),
);
const int = fc.oneof(
  fc.integer(),
  fc.integer({ min: -5, max: 120 }),
  fc.constantFrom(2 ** 31, -(2 ** 31) - 1, 1e20, -1, 0, 0.5, Number.MAX_SAFE_INTEGER),
  fc.string(),
);
const enumOf = (...values: string[]) =>
  fc.oneof(fc.constantFrom(...values), fc.string(), fc.integer());
const id = (known: () => string) =>
  fc.oneof(
    fc.uuid(),
    fc.string(),
    fc.constant('').map(() => known()),
  );
const stage = enumOf(
  'NEGOTIATION',
  'STALLED',
  'AGREEMENT_IN_PRINCIPLE',
  'SIGNED',
  'PARLIAMENTARY_REVIEW',
  'RATIFIED',
  'IN_FORCE',
  'REJECTED',
  'EXPIRED',
  'TERMINATED',
  'WITHDRAWN',
);
const action = enumOf(
  'STALL',
  'RESUME',
  'REACH_AGREEMENT_IN_PRINCIPLE',
  'REOPEN',
  'SIGN',
  'SUBMIT_FOR_APPROVAL',
  'RATIFY',
  'REJECT',
  'RENEGOTIATE',
  'ENTER_INTO_FORCE',
  'EXPIRE',
  'TERMINATE',
  'WITHDRAW',
);
const status = enumOf(
  'NOT_REQUIRED',
  'PENDING',
  'SUBMITTED',
  'IN_COMMITTEE',
  'COMMITTEE_APPROVED',
  'APPROVED',
  'REJECTED',
);
const code = fc.oneof(fc.constantFrom('US', 'KR', 'kr', 'UK', 'EU', 'ZZ', 'USA', ''), text);
const party = fc.record(
  {
    code,
    name: text,
    legislature: fc.option(text),
    approvalRequired: fc.oneof(fc.boolean(), fc.string(), fc.constant(null)),
  },
  { requiredKeys: [] },
);
const record = <T>(fields: { [K in keyof T]: fc.Arbitrary<T[K]> }) =>
  fc.record(fields, { requiredKeys: [] });

describe('fuzzing every mutation', () => {
  let server: TestServer;
  let agreementId: string;
  let tokenId: string;
  const known = () => agreementId;

  beforeAll(async () => {
    server = await TestServer.start({ seedDemo: false });
    agreementId = (await AgreementFactory.create(server, { stage: 'PARLIAMENTARY_REVIEW' })).id;
    tokenId = (
      await server.ok(`mutation { createApiToken(name: "fuzz", role: EDITOR) { apiToken { id } } }`)
    ).createApiToken.apiToken.id;
  });
  afterAll(() => server.dispose());

  /** Everything a write could change. */
  const snapshot = () =>
    server.ok(`{ agreements(first: 100) { totalCount edges { node { version stage title parties { approvalStatus } } } }
                events(first: 1) { totalCount } apiTokens { id name revokedAt } }`);

  async function send(body: string) {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body,
    });
    const payload = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    return { status: response.status, errors: payload.errors ?? [] };
  }

  /** Sends it; asserts a client-error answer or success, and no change when refused. */
  async function property(query: string, variables: unknown): Promise<void> {
    const before = await snapshot();
    const { status, errors } = await send(JSON.stringify({ query, variables }));
    expect(status).toBeLessThan(500);
    for (const error of errors) {
      expect(CLIENT_CODES).toContain(error.extensions?.code);
    }
    if (errors.length > 0) {
      expect(await snapshot()).toEqual(before);
    }
  }

  const mutations: [string, string, fc.Arbitrary<unknown>][] = [
    [
      'createAgreement',
      `mutation ($input: CreateAgreementInput!) { createAgreement(input: $input) { id } }`,
      record({
        input: record({
          title: text,
          kind: enumOf('TREATY', 'EXECUTIVE_AGREEMENT', 'MEMORANDUM_OF_UNDERSTANDING', 'OTHER'),
          parties: fc.oneof(
            fc.array(party, { maxLength: 4 }),
            fc.constant([
              { code: 'US', name: 'A', approvalRequired: false },
              { code: 'KR', name: 'B', approvalRequired: true },
            ]),
          ),
          shortTitle: text,
          summary: text,
          termYears: int,
          predecessorId: id(known),
          stage,
          stageEnteredAt: date,
          note: text,
          sourceUrl: fc.oneof(fc.webUrl(), text),
        }),
      }),
    ],
    [
      'updateAgreement',
      `mutation ($input: UpdateAgreementInput!) { updateAgreement(input: $input) { id } }`,
      record({
        input: record({
          agreementId: id(known),
          title: fc.option(text),
          shortTitle: fc.option(text),
          kind: enumOf('TREATY', 'OTHER'),
          summary: fc.option(text),
          termYears: fc.option(int),
          predecessorId: fc.option(id(known)),
          expectedVersion: int,
          occurredAt: date,
          note: text,
          sourceUrl: text,
        }),
      }),
    ],
    [
      'advanceAgreement',
      `mutation ($input: AdvanceAgreementInput!) { advanceAgreement(input: $input) { id } }`,
      record({
        input: record({
          agreementId: id(known),
          action,
          expectedVersion: int,
          occurredAt: date,
          note: text,
          sourceUrl: text,
          idempotencyKey: text,
        }),
      }),
    ],
    [
      'recordApprovalStep',
      `mutation ($input: RecordApprovalStepInput!) { recordApprovalStep(input: $input) { id } }`,
      record({
        input: record({
          agreementId: id(known),
          partyCode: code,
          status,
          votesFor: int,
          votesAgainst: int,
          abstentions: int,
          occurredAt: date,
          note: text,
          sourceUrl: text,
          expectedVersion: int,
          idempotencyKey: text,
        }),
      }),
    ],
    [
      'createApiToken',
      `mutation ($name: String!, $role: Role!) { createApiToken(name: $name, role: $role) { token } }`,
      record({ name: text, role: enumOf('EDITOR', 'ADMIN') }),
    ],
    [
      'revokeApiToken',
      `mutation ($id: ID!) { revokeApiToken(id: $id) { id } }`,
      record({
        id: fc.oneof(
          fc.uuid(),
          fc.string(),
          fc.constant('').map(() => tokenId),
        ),
      }),
    ],
  ];

  it.each(mutations)(
    '%s answers every input with success or a client error, and refusals change nothing',
    async (_name, query, variables) => {
      await fc.assert(
        fc.asyncProperty(variables, (value) => property(query, value)),
        { numRuns: RUNS },
      );
    },
  );

  it('answers malformed bodies with a client error in GraphQL’s shape', async () => {
    const body = fc.oneof(
      fc.string(),
      fc.json(),
      fc.constantFrom(
        '{',
        '[]',
        'null',
        '{"query": 42}',
        '{"query": "{"}',
        '{"query": "mutation { x }", "variables": "nope"}',
        '\u0000',
      ),
    );
    await fc.assert(
      fc.asyncProperty(body, async (raw) => {
        const before = await snapshot();
        const { status, errors } = await send(raw);
        expect(status).toBeGreaterThanOrEqual(400);
        expect(status).toBeLessThan(500);
        expect(errors.length).toBeGreaterThan(0);
        for (const error of errors) {
          expect(CLIENT_CODES).toContain(error.extensions?.code);
        }
        expect(await snapshot()).toEqual(before);
      }),
      { numRuns: RUNS },
    );
  });
});
