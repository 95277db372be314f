import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import {
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  type GraphQLObjectType,
} from 'graphql';
import { MAX_ITEMS } from '../src/common/query-limits.js';
import { AgreementFactory, EVENT_FIELDS } from './factories/agreement.factory.js';
import { ADMIN_TOKEN, TestServer } from './support/server.js';

const post = (server: TestServer, body: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${ADMIN_TOKEN}`,
      ...headers,
    },
    body,
  });

async function eventCount(server: TestServer): Promise<number> {
  return (await server.ok(`{ events(first: 1) { totalCount } }`)).events.totalCount as number;
}

describe('the GraphQL edge', () => {
  let server: TestServer;
  let agreementId: string;
  beforeAll(async () => {
    server = await TestServer.start({
      seedDemo: false,
      env: {
        GRAPHQL_MAX_DEPTH: '6',
        GRAPHQL_MAX_COST: '3000',
        GRAPHQL_MAX_ALIASES: '3',
        MAX_BODY_BYTES: '20000',
      },
    });
    agreementId = (await AgreementFactory.create(server)).id;
  });
  afterAll(() => server.dispose());

  /** A mutation that writes if any resolver runs: the proof that a refusal came first. */
  const stall = (selection: string, alias = '') =>
    `${alias}advanceAgreement(input: { agreementId: "${agreementId}", action: STALL }) ${selection}`;

  it.each([
    [
      'depth',
      `mutation { ${stall('{ timeline { edges { node { agreement { predecessor { id } } } } } }')} }`,
    ],
    [
      'cost',
      `mutation { ${stall(`{ parties { code name legislature approvalRequired } timeline(first: 100) { edges { node { ${EVENT_FIELDS} agreement { id title } } } } }`)} }`,
    ],
    ['aliases', `mutation { ${[1, 2, 3, 4].map((i) => stall('{ stage }', `a${i}: `)).join(' ')} }`],
  ])('refuses an operation over the %s limit before any resolver runs', async (limit, query) => {
    const before = await eventCount(server);
    const response = await post(server, JSON.stringify({ query }));
    expect(response.status).toBe(400);
    const { errors } = (await response.json()) as {
      errors: { extensions: Record<string, unknown> }[];
    };
    expect(errors).toEqual([
      expect.objectContaining({
        extensions: {
          code: 'QUERY_TOO_COMPLEX',
          limit,
          value: expect.any(Number),
          max: expect.any(Number),
        },
      }),
    ]);
    expect(await eventCount(server)).toBe(before);
  });

  it('counts the list sizes asked for through variables', async () => {
    const query = `query ($n: Int) { agreements(first: $n) { edges { node { parties { code name } timeline(first: $n) { totalCount } } } } }`;
    expect((await server.gql(query, { n: 5 })).errors).toBeUndefined();
    const { errors } = await server.gql(query, { n: 100 });
    expect(errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost' });
  });

  it('counts the page size returned: `last` as well as `first`', async () => {
    const query = `{ events(first: 1, last: 100) { edges { node { agreement { parties { code } } } } } }`;
    const { errors } = await server.gql(query);
    expect(errors?.[0].extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'cost',
      value: 1 + 1 + 100 * (1 + 1 + (1 + 250)),
    });
    const within = await server.gql(query.replace('last: 100', 'last: 2'));
    expect(within.errors).toBeUndefined();
  });

  it("counts an agreement's parties as many as it may have (250), not a guess", async () => {
    const query = `{ agreements(first: 5) { edges { node { parties { code name legislature } } } } }`;
    const { errors } = await server.gql(query);
    expect(errors?.[0].extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'cost',
      value: 1 + 1 + 5 * (1 + 1 + 250 * 3),
    });
    const one = await server.gql(
      `query ($id: ID!) { agreement(id: $id) { parties { code name legislature } } }`,
      { id: agreementId },
    );
    expect(one.errors).toBeUndefined();
  });

  it("counts a party's procedure by its own `last`, at most 100 steps", async () => {
    const query = `query ($id: ID!, $last: Int) { agreement(id: $id) { parties { procedure(last: $last) { body status } } } }`;
    const within = await server.gql(query, { id: agreementId, last: 2 });
    expect(within.errors).toBeUndefined();
    const { errors } = await server.gql(query, { id: agreementId, last: 5000 });
    expect(errors?.[0].extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'cost',
      value: 1 + 1 + 250 * (1 + 100 * 2),
    });
  });

  it('knows the bound of every list of objects outside a connection', () => {
    const { schema } = server.app.get(GraphQLSchemaHost);
    const undeclared = Object.values(schema.getTypeMap())
      .filter((type) => isObjectType(type) && !type.name.startsWith('__'))
      .flatMap((type) =>
        Object.values((type as GraphQLObjectType).getFields())
          .filter((field) => {
            const list = getNullableType(field.type);
            return (
              isListType(list) &&
              isObjectType(getNamedType(list)) &&
              field.name !== 'edges' &&
              typeof field.extensions[MAX_ITEMS] !== 'number'
            );
          })
          .map((field) => `${type.name}.${field.name}`),
      );
    // The tokens (ADMIN only, fields without lists) have no bound: counted as a full page.
    expect(undeclared).toEqual(['Query.apiTokens']);
  });

  it('follows fragments, and is not fooled by a fragment cycle', async () => {
    const deep = `query { agreements { ...A } } fragment A on AgreementConnection { edges { node { timeline { edges { node { agreement { id } } } } } } }`;
    expect((await server.gql(deep)).errors?.[0].extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'depth',
    });
    const cycle = `query { agreements { ...A } } fragment A on AgreementConnection { ...B } fragment B on AgreementConnection { ...A }`;
    expect((await server.gql(cycle)).errors?.[0].extensions?.code).toBe(
      'GRAPHQL_VALIDATION_FAILED',
    );
  });

  it('applies the same limits over WebSocket', async () => {
    const subscriber = await server.subscribe(
      `subscription { agreementEvents { agreement { timeline { edges { node { agreement { predecessor { id } } } } } } } }`,
    );
    expect(await subscriber.failure()).toEqual([
      expect.objectContaining({
        extensions: expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', limit: 'depth' }),
      }),
    ]);
    await subscriber.close();
  });

  it('refuses batched requests without running any of them', async () => {
    const before = await eventCount(server);
    const one = JSON.stringify({ query: `mutation { ${stall('{ stage }')} }` });
    const response = await post(server, `[${one},${one}]`);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errors: [{ message: 'Operation batching disabled.', extensions: { code: 'BAD_REQUEST' } }],
    });
    expect(await eventCount(server)).toBe(before);
  });

  it('refuses a body over MAX_BODY_BYTES, and a body that is not JSON, in GraphQL’s shape', async () => {
    const big = await post(
      server,
      JSON.stringify({ query: `{ workflow { stages } }`, variables: { pad: 'x'.repeat(30000) } }),
    );
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({
      errors: [
        {
          message: expect.stringContaining('MAX_BODY_BYTES'),
          extensions: { code: 'PAYLOAD_TOO_LARGE' },
        },
      ],
    });
    const broken = await post(server, '{"query": "{ workflow { stages } }"');
    expect(broken.status).toBe(400);
    expect(await broken.json()).toEqual({
      errors: [
        { message: 'The request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } },
      ],
    });
  });

  it('refuses a body it cannot read (another charset, compressed, too large without a length) and writes nothing', async () => {
    const before = await eventCount(server);
    const mutation = JSON.stringify({ query: `mutation { ${stall('{ stage }')} }` });
    const latin1 = await post(server, mutation, {
      'content-type': 'application/json; charset=iso-8859-1',
    });
    expect(latin1.status).toBe(415);
    expect(await latin1.json()).toEqual({
      errors: [
        {
          message: 'The request body must be UTF-8 JSON, not iso-8859-1.',
          extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' },
        },
      ],
    });
    const gzipped = await post(server, mutation, { 'content-encoding': 'gzip' });
    expect(gzipped.status).toBe(415);
    expect(await gzipped.json()).toMatchObject({
      errors: [{ extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' } }],
    });
    // Sent in chunks, with no Content-Length to refuse it by: counted as it arrives.
    const chunks = (function* () {
      for (let i = 0; i < 30; i += 1) yield new TextEncoder().encode(' '.repeat(1000));
    })();
    const streamed = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: ReadableStream.from(chunks),
      duplex: 'half',
    });
    expect(streamed.status).toBe(413);
    expect(await streamed.json()).toMatchObject({
      errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
    });
    const utf8 = await post(server, mutation, {
      'content-type': 'application/json; charset=UTF-8',
    });
    expect(await utf8.json()).toEqual({ data: { advanceAgreement: { stage: 'STALLED' } } });
    expect(await eventCount(server)).toBe(before + 1);
    await server.ok(
      `mutation { advanceAgreement(input: { agreementId: "${agreementId}", action: RESUME }) { stage } }`,
    );
  });

  it('serves what is not /graphql as before: health, and 404 elsewhere', async () => {
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect((await fetch(`${server.url}/graphqlx`)).status).toBe(404);
    const put = await fetch(`${server.url}/graphql`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST');
  });

  it('runs a query sent as GET by a client at its defaults, never a mutation; no simple POST', async () => {
    const url = (query: string, variables?: object) =>
      `${server.url}/graphql?query=${encodeURIComponent(query)}` +
      (variables ? `&variables=${encodeURIComponent(JSON.stringify(variables))}` : '');
    // As urql sends it by default (preferGetMethod 'within-url-limit'), and as a browser follows
    // a link: no preflight header, no content type.
    const get = await fetch(url('query Stages { workflow { stages } }'), {
      headers: {
        accept:
          'application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed',
      },
    });
    expect(get.status).toBe(200);
    expect(((await get.json()) as any).data.workflow.stages).toContain('IN_FORCE');
    const withVariables = await fetch(
      url('query ($n: Int) { agreements(first: $n) { totalCount } }', { n: 1 }),
    );
    expect(withVariables.status).toBe(200);

    const { agreements: before } = await server.ok(`{ agreements { totalCount } }`);
    const mutation = await fetch(
      url(
        `mutation { createAgreement(input: { title: "x", kind: TREATY, parties: [{ code: "US", name: "US", approvalRequired: false }, { code: "KR", name: "KR", approvalRequired: false }] }) { id } }`,
      ),
      { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } },
    );
    expect(mutation.status).toBe(405);
    const { agreements: after } = await server.ok(`{ agreements { totalCount } }`);
    expect(after.totalCount).toBe(before.totalCount);

    const simple = await post(server, JSON.stringify({ query: '{ workflow { stages } }' }), {
      'content-type': 'text/plain',
    });
    expect(simple.status).toBe(400);
  });
});

describe('in production', () => {
  it('hides introspection, schema hints and stack traces; GRAPHQL_INTROSPECTION brings introspection back', async () => {
    const production = await TestServer.start({ seedDemo: false, env: { NODE_ENV: 'production' } });
    const development = await TestServer.start({
      seedDemo: false,
      env: { NODE_ENV: 'development' },
    });
    const introspectable = await TestServer.start({
      seedDemo: false,
      env: { NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' },
    });
    try {
      const introspection = `{ __schema { queryType { name } } }`;
      expect((await production.gql(introspection)).errors?.[0].extensions?.code).toBe(
        'GRAPHQL_VALIDATION_FAILED',
      );
      expect((await introspectable.gql(introspection)).data).toEqual({
        __schema: { queryType: { name: 'Query' } },
      });

      const typo = `{ agreemnts { totalCount } }`;
      expect((await development.gql(typo)).errors?.[0].message).toContain('Did you mean');
      expect((await production.gql(typo)).errors?.[0].message).not.toContain('Did you mean');

      await production.database.exec('ALTER TABLE "agreement" RENAME TO "agreement_gone"');
      const broken = await production.gql(`{ agreements { totalCount } }`);
      expect(broken.errors).toEqual([
        {
          message: 'Internal server error. It has been logged.',
          locations: expect.any(Array),
          path: expect.arrayContaining(['agreements']),
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
        },
      ]);
    } finally {
      await Promise.all([production.dispose(), development.dispose(), introspectable.dispose()]);
    }
  });
});

describe('REQUIRE_AUTH_FOR_READS', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start({ env: { REQUIRE_AUTH_FOR_READS: 'true' } });
  });
  afterAll(() => server.dispose());

  it('makes queries need a token, checked before the query is read', async () => {
    const anonymous = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ agreemnts { totalCount } }' }),
    });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({
      errors: [
        {
          message: expect.stringContaining('needs a token'),
          extensions: { code: 'UNAUTHENTICATED' },
        },
      ],
    });
    expect((await server.gql(`{ agreements { totalCount } }`)).data).toEqual({
      agreements: { totalCount: 2 },
    });
  });

  it('closes a WebSocket without a valid token with 4403, and serves one with', async () => {
    const closed: number[] = [];
    for (const connectionParams of [undefined, { authorization: 'Bearer wrong-token-123456' }]) {
      const subscriber = server.overWebSocket(
        `subscription { agreementEvents { sequence } }`,
        {},
        connectionParams,
      );
      const errors = await subscriber.failure();
      closed.push((errors[0] as { code: number }).code);
      await subscriber.close();
    }
    expect(closed).toEqual([4403, 4403]);

    const admitted = server.overWebSocket(
      `subscription { agreementEvents(after: "${Buffer.from('event:0').toString('base64url')}") { sequence } }`,
      {},
      {
        authorization: `Bearer ${ADMIN_TOKEN}`,
      },
    );
    expect(await admitted.take(1)).toEqual([{ agreementEvents: { sequence: 1 } }]);
    await admitted.close();
  });
});

describe('a WebSocket with a bad token, even where reads are public', () => {
  it('is closed with 4403 before any operation', async () => {
    const server = await TestServer.start({ seedDemo: false });
    const subscriber = server.overWebSocket(
      `subscription { agreementEvents { sequence } }`,
      {},
      { authorization: 'Bearer nope-nope-nope-nope' },
    );
    expect(await subscriber.failure()).toEqual([expect.objectContaining({ code: 4403 })]);
    await subscriber.close();
    await server.dispose();
  });
});

describe('rate limits on writes', () => {
  const RENAME = `mutation ($id: ID!, $title: String!) { updateAgreement(input: { agreementId: $id, title: $title }) { version } }`;

  it('allow RATE_LIMIT_WRITES_PER_MINUTE per token, then answer RATE_LIMITED with retryAfter', async () => {
    const server = await TestServer.start({
      seedDemo: false,
      env: { RATE_LIMIT_WRITES_PER_MINUTE: '3', TRUST_PROXY: 'true' },
    });
    try {
      const { id } = await AgreementFactory.create(server, {}); // 1
      const { createApiToken } = await server.ok(
        `mutation { createApiToken(name: "desk", role: EDITOR) { token } }`,
      ); // 2
      await server.ok(RENAME, { id, title: 'Three' }); // 3
      const response = await post(
        server,
        JSON.stringify({ query: RENAME, variables: { id, title: 'Four' } }),
      );
      const refused = (await response.json()) as {
        errors: { extensions: Record<string, unknown> }[];
      };
      expect(refused.errors[0].extensions).toEqual({
        code: 'RATE_LIMITED',
        retryAfter: expect.any(Number),
      });
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

      // Another token from another address is not held back by the first one's limit...
      const desk = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${createApiToken.token}`,
          'x-forwarded-for': '203.0.113.7',
        },
        body: JSON.stringify({ query: RENAME, variables: { id, title: 'Desk' } }),
      });
      expect(((await desk.json()) as { data: unknown }).data).toEqual({
        updateAgreement: { version: 3 },
      });
      // ...nor are reads and subscriptions, over HTTP or WebSocket.
      expect((await server.gql(`{ agreements { totalCount } }`)).data).toEqual({
        agreements: { totalCount: 1 },
      });
      const live = await server.subscribe(`subscription { agreementEvents { type } }`);
      expect(live.failed).toBe(false);
      await live.close();
      // Writes over WebSocket count as well.
      const ws = server.overWebSocket(
        RENAME,
        { id, title: 'Five' },
        { authorization: `Bearer ${ADMIN_TOKEN}` },
      );
      expect(await ws.failure()).toEqual([
        expect.objectContaining({
          extensions: { code: 'RATE_LIMITED', retryAfter: expect.any(Number) },
        }),
      ]);
      await ws.close();
    } finally {
      await server.dispose();
    }
  });

  it('hold back an address whatever the token, trusting X-Forwarded-For only with TRUST_PROXY', async () => {
    const server = await TestServer.start({
      seedDemo: false,
      env: { RATE_LIMIT_WRITES_PER_MINUTE: '2' },
    });
    try {
      const guesses = await Promise.all(
        [1, 2, 3].map((i) =>
          fetch(`${server.url}/graphql`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer guess-${i}-xxxxxxxxxxxx`,
              'x-forwarded-for': `198.51.100.${i}`,
            },
            body: JSON.stringify({
              query: RENAME,
              variables: { id: '00000000-0000-4000-8000-000000000000', title: 'x' },
            }),
          }).then((r) => r.json() as Promise<{ errors: { extensions: { code: string } }[] }>),
        ),
      );
      expect(guesses.map((g) => g.errors[0].extensions.code).sort()).toEqual([
        'RATE_LIMITED',
        'UNAUTHENTICATED',
        'UNAUTHENTICATED',
      ]);
    } finally {
      await server.dispose();
    }
  });
});

describe('idempotency keys', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start({ seedDemo: false });
  });
  afterAll(() => server.dispose());

  const ADVANCE = `mutation ($input: AdvanceAgreementInput!) { advanceAgreement(input: $input) { stage version } }`;
  const STEP = `mutation ($input: RecordApprovalStepInput!) { recordApprovalStep(input: $input) { stage version parties { code approvalStatus } } }`;

  it('make a retry return the first result and write nothing', async () => {
    const { id } = await AgreementFactory.create(server);
    const input = {
      agreementId: id,
      action: 'STALL',
      idempotencyKey: 'stall-1',
      note: 'Talks paused',
    };
    const first = await server.ok(ADVANCE, { input });
    const retries = await Promise.all(
      [1, 2, 3].map(() => server.ok(ADVANCE, { input: { ...input } })),
    );
    expect(retries).toEqual([first, first, first]);
    expect(first.advanceAgreement).toEqual({ stage: 'STALLED', version: 2 });
    const { events } = await server.ok(
      `query ($id: ID) { events(agreementId: $id) { totalCount } }`,
      { id },
    );
    expect(events.totalCount).toBe(2);
    // Still the first result after the agreement moved on.
    await server.ok(ADVANCE, { input: { agreementId: id, action: 'RESUME' } });
    expect(await server.ok(ADVANCE, { input })).toEqual(first);
  });

  it('refuse a key reused for another request, and keep no key for a refused write', async () => {
    const { id } = await AgreementFactory.create(server, {
      stage: 'SIGNED',
      stageEnteredAt: '2021-01-01T00:00:00Z',
    });
    await server.ok(ADVANCE, { input: { agreementId: id, action: 'SUBMIT_FOR_APPROVAL' } });
    const step = {
      agreementId: id,
      partyCode: 'KR',
      status: 'IN_COMMITTEE',
      idempotencyKey: 'kr-1',
    };
    await server.ok(STEP, { input: step });
    const reused = await server.gql(STEP, { input: { ...step, status: 'APPROVED' } });
    expect(reused.errors?.[0].extensions).toEqual({
      code: 'BAD_USER_INPUT',
      fields: { idempotencyKey: expect.stringContaining('another request') },
    });

    const early = { agreementId: id, partyCode: 'KR', status: 'SUBMITTED', idempotencyKey: 'kr-2' };
    expect((await server.gql(STEP, { input: early })).errors?.[0].extensions?.code).toBe(
      'INVALID_TRANSITION',
    );
    const approved = await server.ok(STEP, { input: { ...early, status: 'APPROVED' } });
    expect(approved.recordApprovalStep.stage).toBe('RATIFIED');
  });

  it('are kept per token', async () => {
    const { id } = await AgreementFactory.create(server);
    const { createApiToken } = await server.ok(
      `mutation { createApiToken(name: "other-admin", role: ADMIN) { token } }`,
    );
    const input = { agreementId: id, action: 'STALL', idempotencyKey: 'same' };
    await server.ok(ADVANCE, { input });
    const other = await server.gql(ADVANCE, { input }, createApiToken.token);
    expect(other.errors?.[0].extensions?.code).toBe('INVALID_TRANSITION');
  });
});
