import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import WebSocket from 'ws';
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
    'a\uDC00b',
    '\uD83D',
    '𝄞 accord',
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
    '2023-02-29',
    '2024-04-31T10:00:00+09:00',
    '2024-01-01T24:00:00Z',
    '2024-01-01T10:00:00+24:00',
    '2021-03-07',
    '2021-03-07T10:00',
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
const partyAction = enumOf(
  'SIGN',
  'CONSENT',
  'DECLARE_NOT_INTENDING',
  'GIVE_WITHDRAWAL_NOTICE',
  'REVOKE_WITHDRAWAL_NOTICE',
  'START_PROVISIONAL_APPLICATION',
  'END_PROVISIONAL_APPLICATION',
  'PARTY_IN_FORCE',
  'WITHDRAWAL_EFFECTIVE',
);
const means = enumOf(
  'RATIFICATION',
  'ACCEPTANCE',
  'APPROVAL',
  'ACCESSION',
  'SUCCESSION',
  'DEFINITIVE_SIGNATURE',
  'NOTIFICATION',
  'EXCHANGE_OF_INSTRUMENTS',
);
const rule = fc.record(
  {
    kind: enumOf('MANUAL', 'ALL_PARTIES', 'THRESHOLD', 'FIXED_DATE'),
    instruments: int,
    share: fc.oneof(fc.double(), int),
    requiredParties: fc.oneof(
      fc.array(fc.constantFrom('US', 'KR', 'kr', 'ZZ', 'FR', ''), { maxLength: 4 }),
      text,
    ),
    daysAfter: int,
    monthStart: fc.oneof(fc.boolean(), text),
    date,
    laterDaysAfter: int,
    laterMonthStart: fc.boolean(),
  },
  { requiredKeys: [] },
);
const code = fc.oneof(fc.constantFrom('US', 'KR', 'kr', 'UK', 'EU', 'ZZ', 'USA', ''), text);
const party = fc.record(
  {
    code,
    name: text,
    legislature: fc.option(text),
    approvalRequired: fc.oneof(fc.boolean(), fc.string(), fc.constant(null)),
    weight: fc.oneof(fc.double(), int, fc.constant(null)),
    bodies: fc.oneof(
      fc.array(
        fc.oneof(fc.constantFrom('State Duma', 'Federation Council', 'state duma', ''), text),
        {
          maxLength: 12,
        },
      ),
      text,
      fc.constant(null),
    ),
  },
  { requiredKeys: [] },
);
const stepKind = enumOf('VOTE', 'REFERENDUM', 'EXECUTIVE_DECISION', 'COURT_REVIEW', 'PROMULGATION');
const percent = fc.oneof(fc.double(), fc.integer({ min: -5, max: 105 }), fc.constant(null));
const record = <T>(fields: { [K in keyof T]: fc.Arbitrary<T[K]> }) =>
  fc.record(fields, { requiredKeys: [] });

describe('fuzzing every mutation', () => {
  let server: TestServer;
  let agreementId: string;
  let tokenId: string;
  let webhookId: string;
  const known = () => agreementId;

  beforeAll(async () => {
    // A redelivery to the unreachable receiver below gives up soon.
    server = await TestServer.start({ seedDemo: false, env: { WEBHOOK_TIMEOUT_MS: '200' } });
    agreementId = (await AgreementFactory.create(server, { stage: 'PARLIAMENTARY_REVIEW' })).id;
    tokenId = (
      await server.ok(`mutation { createApiToken(name: "fuzz", role: EDITOR) { apiToken { id } } }`)
    ).createApiToken.apiToken.id;
    // A public address, never reached from here: its deliveries fail, which is no matter.
    webhookId = (
      await server.ok(
        `mutation { createWebhook(input: { url: "http://93.184.215.14/hooks" }) { webhook { id } } }`,
      )
    ).createWebhook.webhook.id;
  });
  afterAll(() => server.dispose());

  /** Everything a write could change. */
  // Every write raises its agreement's version; the parties of the agreement the fuzz aims at
  // are read whole (all of them for every agreement would be over the cost limit).
  const snapshot = () =>
    server.ok(
      `query ($id: ID!) { agreements(first: 100) { totalCount edges { node { version stage title } } }
         agreement(id: $id) { parties { code approvalStatus status consentedAt signedAt } }
         events(first: 1) { totalCount } apiTokens { id name revokedAt }
         webhooks { id url description eventTypes agreementId partyCode enabled } }`,
      { id: agreementId },
    );

  async function send(body: string | Uint8Array) {
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
          entryIntoForce: fc.option(rule),
          withdrawalNoticeMonths: int,
          expiresAt: date,
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
          entryIntoForce: fc.option(rule),
          withdrawalNoticeMonths: fc.option(int),
          expiresAt: fc.option(date),
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
          body: fc.oneof(fc.constantFrom('National Assembly', 'Legislature', 'Senate'), text),
          kind: stepKind,
          yesPercent: percent,
          turnoutPercent: percent,
          binding: fc.oneof(fc.boolean(), text, fc.constant(null)),
          occurredAt: date,
          note: text,
          sourceUrl: text,
          expectedVersion: int,
          idempotencyKey: text,
        }),
      }),
    ],
    [
      'recordPartyAction',
      `mutation ($input: RecordPartyActionInput!) { recordPartyAction(input: $input) { id } }`,
      record({
        input: record({
          agreementId: id(known),
          partyCode: code,
          action: partyAction,
          means,
          reference: text,
          withdrawalEffectiveAt: date,
          occurredAt: date,
          note: text,
          sourceUrl: text,
          expectedVersion: int,
          idempotencyKey: text,
        }),
      }),
    ],
    [
      'addParty',
      `mutation ($input: AddPartyInput!) { addParty(input: $input) { id } }`,
      record({
        input: record({
          agreementId: id(known),
          party,
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

  const url = fc.oneof(
    text,
    fc.constantFrom(
      'http://93.184.215.14/hooks',
      'https://93.184.215.14:8443/a?b=c',
      'ftp://93.184.215.14/',
      'http://127.0.0.1/',
      'http://[::ffff:10.0.0.1]/',
      'https://user:pass@93.184.215.14/',
      'http://93.184.215.14/#x',
      'not a url',
      '',
    ),
  );
  const webhookFields = {
    url,
    description: text,
    eventTypes: fc.oneof(
      fc.array(enumOf('STAGE_CHANGED', 'APPROVAL_UPDATED', 'PARTY_UPDATED', 'NOPE'), {
        maxLength: 8,
      }),
      text,
    ),
    agreementId: fc.oneof(fc.uuid(), text, fc.constant('').map(known)),
    partyCode: code,
  };
  const someWebhook = fc.oneof(
    fc.uuid(),
    fc.string(),
    fc.constant('').map(() => webhookId),
  );
  mutations.push(
    [
      'createWebhook',
      `mutation ($input: CreateWebhookInput!) { createWebhook(input: $input) { secret } }`,
      record({ input: record(webhookFields) }),
    ],
    [
      'updateWebhook',
      `mutation ($input: UpdateWebhookInput!) { updateWebhook(input: $input) { id } }`,
      record({
        input: record({ ...webhookFields, id: someWebhook, enabled: fc.oneof(fc.boolean(), text) }),
      }),
    ],
    [
      'rotateWebhookSecret',
      `mutation ($id: ID!) { rotateWebhookSecret(id: $id) { secret } }`,
      record({ id: someWebhook }),
    ],
    [
      'redeliver',
      `mutation ($id: ID!, $sequence: Int!) { redeliver(webhookId: $id, sequence: $sequence) { id } }`,
      record({ id: someWebhook, sequence: int }),
    ],
    [
      'deleteWebhook',
      `mutation ($id: ID!) { deleteWebhook(id: $id) { id } }`,
      record({ id: fc.oneof(fc.uuid(), fc.string()) }),
    ],
  );

  it.each(mutations)(
    '%s answers every input with success or a client error, and refusals change nothing',
    async (_name, query, variables) => {
      await fc.assert(
        fc.asyncProperty(variables, (value) => property(query, value)),
        { numRuns: RUNS },
      );
    },
  );

  it('answers every page argument and cursor of the reads with data or a client error', async () => {
    const cursor = fc.oneof(
      fc.string(),
      fc
        .constantFrom('event', 'agreement')
        .chain((kind) =>
          fc
            .oneof(
              fc.nat(),
              fc.constantFrom(2 ** 31 - 1, 2 ** 31, 2 ** 53, 1e21, -1),
              fc.string({ maxLength: 20 }),
            )
            .map((position) => Buffer.from(`${kind}:${position}`).toString('base64url')),
        ),
    );
    const page = record({ first: int, last: int, after: cursor, search: text });
    const reads = [
      `query ($first: Int, $last: Int, $after: String) { events(first: $first, last: $last, after: $after) { edges { cursor } } }`,
      `query ($first: Int, $last: Int, $after: String, $search: String) { agreements(first: $first, last: $last, after: $after, search: $search) { edges { cursor } } }`,
      `query ($last: Int) { agreements(first: 5) { edges { node { parties { procedure(last: $last) { body } } } } } }`,
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...reads), page, (query, variables) =>
        property(query, variables),
      ),
      { numRuns: RUNS },
    );
  });

  it('answers bodies that are not UTF-8 with BAD_REQUEST, and changes nothing', async () => {
    const mutation = (title: string) =>
      JSON.stringify({
        query: `mutation ($id: ID!) { updateAgreement(input: { agreementId: $id, title: "${title}" }) { id } }`,
        variables: { id: agreementId },
      });
    const body = fc.oneof(
      fc
        .uint8Array({ minLength: 1, maxLength: 200 })
        .map((bytes) => Uint8Array.from([0xff, ...bytes])),
      fc.constantFrom(0xc3, 0xed, 0xf0, 0x80).map((lead) => {
        const [head, tail] = mutation('XY').split('XY');
        return Buffer.concat([Buffer.from(head), Buffer.from([lead, 0x28]), Buffer.from(tail)]);
      }),
    );
    await fc.assert(
      fc.asyncProperty(body, async (raw) => {
        const before = await snapshot();
        const { status, errors } = await send(raw);
        expect(status).toBe(400);
        expect(errors.map((error) => error.extensions?.code)).toEqual(['BAD_REQUEST']);
        expect(await snapshot()).toEqual(before);
      }),
      { numRuns: RUNS },
    );
  });

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

describe('fuzzing WebSocket messages', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start({ seedDemo: true, env: { MAX_BODY_BYTES: '20000' } });
  });
  afterAll(() => server.dispose());

  const operation = fc.record(
    {
      query: fc.oneof(
        fc.string(),
        fc.constantFrom(
          'subscription { agreementEvents { sequence } }',
          'subscription ($after: String) { agreementEvents(after: $after) { sequence } }',
          '{ workflow { stages } }',
          'mutation { createApiToken(name: "x", role: ADMIN) { token } }',
        ),
      ),
      variables: fc.oneof(fc.jsonValue(), fc.record({ after: fc.oneof(fc.string(), fc.nat()) })),
      operationName: fc.option(fc.string()),
    },
    { requiredKeys: [] },
  );
  const message = fc.oneof(
    fc.string(),
    fc.json(),
    fc
      .record(
        {
          type: fc.constantFrom('connection_init', 'subscribe', 'complete', 'ping', 'pong', 'next'),
          id: fc.oneof(fc.string({ maxLength: 5 }), fc.integer()),
          payload: fc.oneof(fc.jsonValue(), operation),
        },
        { requiredKeys: [] },
      )
      .map((value) => JSON.stringify(value)),
    fc.uint8Array({ maxLength: 64 }),
    fc.constant('x'.repeat(30_000)),
  );

  it('answers or closes with a client code, never an internal error, and stays up', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 4 }), async (messages) => {
        const socket = new WebSocket(`${server.url.replace('http', 'ws')}/graphql`, [
          'graphql-transport-ws',
        ]);
        let closedWith: number | null = null;
        socket.on('close', (code) => (closedWith = code));
        socket.on('error', () => undefined);
        await new Promise((resolve) => socket.once('open', resolve));
        socket.send(JSON.stringify({ type: 'connection_init' }));
        for (const data of messages) {
          if (closedWith === null) socket.send(data, { binary: typeof data !== 'string' });
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
        socket.terminate();
        expect([1006, 1011]).not.toContain(closedWith);
        expect((await server.health()).status).toBe('ok');
      }),
      { numRuns: RUNS },
    );
  });
});
