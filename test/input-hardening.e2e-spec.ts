import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import WebSocket from 'ws';
import { AgreementFactory, EVENT_FIELDS } from './factories/agreement.factory.js';
import { ADMIN_TOKEN, TestServer, waitUntil } from './support/server.js';

/** A cursor of the connection `kind` at `position`, as the server writes them. */
const cursor = (kind: string, position: number) =>
  Buffer.from(`${kind}:${position}`).toString('base64url');

/** The largest position PostgreSQL's `integer` columns (sequence, createdSequence) hold. */
const LARGEST_INTEGER = 2 ** 31 - 1;

/**
 * JSON text of an array nested `depth` deep: JSON.parse takes it (it does not recurse), while
 * JSON.stringify of what it parses to overflows the stack.
 */
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const JUNK_DEPTH = 100_000;

const CREATE = `mutation ($input: CreateAgreementInput!) { createAgreement(input: $input) { id title parties { name } } }`;

async function counts(server: TestServer): Promise<{ agreements: number; events: number }> {
  const data = await server.ok(
    `{ agreements(first: 1) { totalCount } events(first: 1) { totalCount } }`,
  );
  return { agreements: data.agreements.totalCount, events: data.events.totalCount };
}

/** The `after` refusal every connection gives a cursor it did not hand out. */
const foreignCursor = {
  code: 'BAD_USER_INPUT',
  fields: { after: expect.stringContaining('is not a cursor of this list') },
};

describe('cursors past what the database can hold', () => {
  let server: TestServer;
  let agreementId: string;
  beforeAll(async () => {
    server = await TestServer.start({ seedDemo: false });
    agreementId = (await AgreementFactory.create(server)).id;
  });
  afterAll(() => server.dispose());

  it.each([
    ['events', 'event', `query ($after: String) { events(after: $after) { edges { cursor } } }`],
    [
      'agreement.timeline',
      'event',
      `query ($id: ID!, $after: String) { agreement(id: $id) { timeline(after: $after) { edges { cursor } } } }`,
    ],
    [
      'agreements',
      'agreement',
      `query ($after: String) { agreements(after: $after) { edges { cursor } } }`,
    ],
  ])(
    '%s(after:) refuses a position past 2^31 - 1 as a foreign cursor, and takes 2^31 - 1',
    async (_connection, kind, query) => {
      for (const position of [LARGEST_INTEGER + 1, 3_000_000_000, 999_999_999_999_999]) {
        const { errors } = await server.gql(query, {
          id: agreementId,
          after: cursor(kind, position),
        });
        expect(errors).toEqual([expect.objectContaining({ extensions: foreignCursor })]);
      }
      const last = await server.gql(query, {
        id: agreementId,
        after: cursor(kind, LARGEST_INTEGER),
      });
      expect(last.errors).toBeUndefined();
      expect(JSON.stringify(last.data)).toContain('"edges":[]');
    },
  );

  it('agreementEvents(after:) refuses it the same way', async () => {
    const subscriber = await server.subscribe(
      `subscription ($after: String) { agreementEvents(after: $after) { sequence } }`,
      { after: cursor('event', LARGEST_INTEGER + 1) },
    );
    expect(await subscriber.failure()).toEqual([
      expect.objectContaining({ extensions: foreignCursor }),
    ]);
    await subscriber.close();
  });
});

/** A graphql-ws client that sends its messages as written, so a test controls the JSON text. */
class RawSocket {
  readonly messages: { id?: string; type: string; payload?: any }[] = [];
  closed = false;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => this.messages.push(JSON.parse(data.toString())));
    socket.on('close', () => (this.closed = true));
  }

  static async open(server: TestServer): Promise<RawSocket> {
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}/graphql`, [
      'graphql-transport-ws',
    ]);
    const raw = new RawSocket(socket);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    raw.send(
      JSON.stringify({
        type: 'connection_init',
        payload: { authorization: `Bearer ${ADMIN_TOKEN}` },
      }),
    );
    await waitUntil(() => raw.messages.some((m) => m.type === 'connection_ack') || raw.closed);
    return raw;
  }

  send(text: string): void {
    this.socket.send(text);
  }

  close(): void {
    this.socket.close();
  }
}

describe('the keys of kept read answers and of shared subscription results', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start({
      seedDemo: false,
      // Room for the nesting below, which is 200 KB of brackets.
      env: { MAX_BODY_BYTES: '1000000', COUNT_SQL_QUERIES: 'true' },
    });
  });
  afterAll(() => server.dispose());

  const sqlCount = async () =>
    ((await (await fetch(`${server.url}/health`)).json()) as { sqlQueries: number }).sqlQueries;

  it('leave out undeclared variables: one nested too deep for JSON.stringify stops no read, nor its caching', async () => {
    const { id } = await AgreementFactory.create(server, { title: 'Deep junk' });
    const query = `query ($id: ID!) { agreement(id: $id) { title } }`;
    const body = `{"query":${JSON.stringify(query)},"variables":{"id":${JSON.stringify(id)},"junk":${nested(JUNK_DEPTH)}}}`;
    const read = async () => {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
        body,
      });
      return { status: response.status, result: await response.json() };
    };
    const answer = { status: 200, result: { data: { agreement: { title: 'Deep junk' } } } };
    expect(await read()).toEqual(answer);
    const before = await sqlCount();
    expect(await read()).toEqual(answer);
    // The second is answered from the cache: the only statement is the head of the log (and
    // the health check's own).
    expect((await sqlCount()) - before - 1).toBe(1);
  });

  it('leave out undeclared variables: one nested too deep for JSON.stringify stops no subscription', async () => {
    const query = `subscription { agreementEvents { type agreementId } }`;
    const plain = await server.subscribe(query);
    const before = (await server.health()).subscriptions;
    const socket = await RawSocket.open(server);
    socket.send(
      `{"id":"deep","type":"subscribe","payload":{"query":${JSON.stringify(query)},"variables":{"junk":${nested(JUNK_DEPTH)}}}}`,
    );
    const answered = () => socket.messages.some((m) => m.id === 'deep') || socket.closed;
    await waitUntil(async () => answered() || (await server.health()).subscriptions > before);

    const { id } = await AgreementFactory.create(server);
    const expected = { agreementEvents: { type: 'AGREEMENT_CREATED', agreementId: id } };
    expect(await plain.take(1)).toEqual([expected]);
    await waitUntil(answered);
    expect(socket.messages.filter((m) => m.id === 'deep')).toEqual([
      { id: 'deep', type: 'next', payload: { data: expected } },
    ]);
    socket.close();
    await plain.close();
  });

  it('tell persisted queries apart, which a client sends by their hash alone', async () => {
    await AgreementFactory.create(server);
    const persisted = async (query: string, withText: boolean) => {
      const sha256Hash = createHash('sha256').update(query).digest('hex');
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
        body: JSON.stringify({
          ...(withText ? { query } : {}),
          extensions: { persistedQuery: { version: 1, sha256Hash } },
        }),
      });
      return response.json();
    };
    const [agreements, events] = [`{ agreements { totalCount } }`, `{ events { totalCount } }`];
    for (const withText of [true, false]) {
      expect(await persisted(agreements, withText)).toEqual({
        data: { agreements: { totalCount: expect.any(Number) } },
      });
      expect(await persisted(events, withText)).toEqual({
        data: { events: { totalCount: expect.any(Number) } },
      });
    }
  });
});

describe('strings that are not well-formed Unicode', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start({ seedDemo: false });
  });
  afterAll(() => server.dispose());

  const loneSurrogate = (path: string) =>
    `${path} must be well-formed Unicode (it contains a lone surrogate)`;

  it('are refused wherever they are in an input, each named, and nothing is written', async () => {
    await AgreementFactory.create(server);
    const before = await counts(server);
    const input = AgreementFactory.input({
      title: '\ud800abc',
      parties: [
        { code: 'US', name: 'United States', approvalRequired: false },
        { code: 'KR', name: 'Republic of Korea\udc00', approvalRequired: true },
      ],
    });
    const { data, errors } = await server.gql(CREATE, { input });
    expect(data).toBeNull();
    expect(errors).toEqual([
      expect.objectContaining({
        extensions: {
          code: 'BAD_USER_INPUT',
          fields: {
            title: loneSurrogate('title'),
            'parties.1.name': loneSurrogate('parties.1.name'),
          },
        },
      }),
    ]);
    expect(await counts(server)).toEqual(before);
  });

  it('are refused in plain string arguments', async () => {
    const { errors } = await server.gql(
      `query ($search: String) { agreements(search: $search) { totalCount } }`,
      { search: 'Accord \ud834' },
    );
    expect(errors).toEqual([
      expect.objectContaining({
        extensions: { code: 'BAD_USER_INPUT', fields: { search: loneSurrogate('search') } },
      }),
    ]);
  });

  it('but a well-formed astral character is kept as sent: answer, read, live event and log agree', async () => {
    const live = await server.subscribe(`subscription { agreementEvents { ${EVENT_FIELDS} } }`);
    const title = '𝄞 Accord';
    const note = 'Signed with 🎉 at 𝄞';
    const { createAgreement: created } = await server.ok(CREATE, {
      input: AgreementFactory.input({
        title,
        note,
        parties: [
          { code: 'US', name: 'United States', approvalRequired: false },
          { code: 'KR', name: '대한민국 𝌆', approvalRequired: true },
        ],
      }),
    });
    expect(created).toMatchObject({ title, parties: [{}, { name: '대한민국 𝌆' }] });
    const read = await server.ok(
      `query ($id: ID!, $search: String) { agreement(id: $id) { title parties { name } } agreements(search: $search) { edges { node { id } } } }`,
      { id: created.id, search: '𝄞' },
    );
    expect(read.agreement).toEqual({ title, parties: created.parties });
    expect(read.agreements.edges).toEqual([{ node: { id: created.id } }]);

    const [event] = await live.take(1);
    const log = await server.ok(
      `query ($id: ID!) { events(agreementId: $id) { edges { node { ${EVENT_FIELDS} } } } }`,
      { id: created.id },
    );
    expect(event.agreementEvents.note).toBe(note);
    expect(log.events.edges.map((edge: any) => edge.node)).toEqual([event.agreementEvents]);
    await live.close();
  });
});
