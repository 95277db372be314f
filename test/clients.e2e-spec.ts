import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  jest,
} from '@jest/globals';
import { ApolloClient, ApolloLink, gql, HttpLink, InMemoryCache } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { Client, cacheExchange, fetchExchange, subscriptionExchange } from '@urql/core';
import { ClientError, GraphQLClient } from 'graphql-request';
import { OperationTypeNode } from 'graphql';
import { createClient, type Client as WsClient } from 'graphql-ws';
import { firstValueFrom, filter } from 'rxjs';
import WebSocket from 'ws';
import { ADMIN_TOKEN, TestServer, waitUntil } from './support/server.js';

/**
 * The GraphQL clients people reach for first, each at its defaults (only the URL, a token where
 * it writes, and graphql-ws where it subscribes, as each one's documentation sets them up),
 * against the real server: reads, writes, subscriptions, and what each sends over the wire.
 */

const STATUS = `query Status { agreements(search: "11th sma") { edges { node { id shortTitle stage version } } } }`;
const NOTE = `mutation Note($id: ID!, $summary: String!) { updateAgreement(input: { agreementId: $id, summary: $summary }) { summary } }`;
const EVENTS = `subscription Events { agreementEvents { type action toStage note } }`;
const REOPEN = `mutation Reopen($id: ID!, $note: String!) { advanceAgreement(input: { agreementId: $id, action: REOPEN, note: $note }) { stage } }`;

describe('GraphQL clients at their defaults, against the real server', () => {
  let server: TestServer;
  let endpoint: string;
  let agreementId: string;
  /** The method of each request to /graphql, as the client sent it. */
  let methods: string[];
  const sockets: WsClient[] = [];

  beforeAll(async () => {
    server = await TestServer.start();
    endpoint = `${server.url}/graphql`;
    agreementId = (await server.ok(STATUS)).agreements.edges[0].node.id;
  });
  beforeEach(() => {
    methods = [];
    const fetch = globalThis.fetch;
    jest.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
      const request = new Request(input, init);
      if (request.url.startsWith(endpoint)) {
        methods.push(request.method);
      }
      return fetch(input, init);
    });
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    // graphql-ws's dispose may return a promise (`void | Promise<void>`).
    await Promise.all(sockets.splice(0).map((socket) => Promise.resolve(socket.dispose())));
  });
  afterAll(() => server.dispose());

  const webSocket = (connectionParams?: Record<string, unknown>) => {
    const socket = createClient({
      url: endpoint.replace('http', 'ws'),
      webSocketImpl: WebSocket,
      connectionParams,
    });
    sockets.push(socket);
    return socket;
  };

  /** Writes with the admin token, so that a subscription has something to see. */
  const reopen = (note: string) => server.ok(REOPEN, { id: agreementId, note });
  const restore = () =>
    server.ok(
      `mutation ($id: ID!) { advanceAgreement(input: { agreementId: $id, action: REACH_AGREEMENT_IN_PRINCIPLE }) { stage } }`,
      { id: agreementId },
    );

  describe('urql (@urql/core)', () => {
    it('reads with GET, as it does by default, and writes with POST and a token', async () => {
      const client = new Client({ url: endpoint, exchanges: [cacheExchange, fetchExchange] });
      const read = await client.query(STATUS, {}).toPromise();
      expect(read.error).toBeUndefined();
      expect(read.data.agreements.edges[0].node.stage).toBe('AGREEMENT_IN_PRINCIPLE');
      expect(methods).toEqual(['GET']);

      const writer = new Client({
        url: endpoint,
        exchanges: [cacheExchange, fetchExchange],
        fetchOptions: { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } },
      });
      const written = await writer
        .mutation(NOTE, { id: agreementId, summary: 'Written by urql' })
        .toPromise();
      expect(written.error).toBeUndefined();
      expect(written.data.updateAgreement.summary).toBe('Written by urql');
      expect(methods).toEqual(['GET', 'POST']);

      // Without a token the write is refused, as an error urql hands to the caller.
      const refused = await client
        .mutation(NOTE, { id: agreementId, summary: 'Not written' })
        .toPromise();
      expect(refused.error?.graphQLErrors[0].extensions.code).toBe('UNAUTHENTICATED');
    });

    it('subscribes through its subscriptionExchange over graphql-ws', async () => {
      const socket = webSocket();
      const client = new Client({
        url: endpoint,
        exchanges: [
          cacheExchange,
          fetchExchange,
          subscriptionExchange({
            forwardSubscription: (request) => ({
              subscribe: (sink) => ({
                unsubscribe: socket.subscribe({ ...request, query: request.query ?? '' }, sink),
              }),
            }),
          }),
        ],
      });
      const before = (await server.health()).subscriptions;
      const seen: any[] = [];
      const subscription = client
        .subscription(EVENTS, {})
        .subscribe((result) => seen.push(result.data?.agreementEvents));
      await waitUntil(async () => (await server.health()).subscriptions > before);
      await reopen('Seen by urql');
      await waitUntil(() => seen.length > 0);
      expect(seen[0]).toMatchObject({ action: 'REOPEN', note: 'Seen by urql' });
      subscription.unsubscribe();
      await restore();
    });
  });

  describe('graphql-request', () => {
    it('reads with POST by default, and with GET when asked', async () => {
      const post = new GraphQLClient(endpoint);
      const byPost = await post.request<any>(STATUS);
      expect(byPost.agreements.edges[0].node.shortTitle).toBe('11th SMA');
      const get = new GraphQLClient(endpoint, { method: 'GET' });
      const byGet = await get.request<any>(STATUS);
      expect(byGet).toEqual(byPost);
      expect(methods).toEqual(['POST', 'GET']);
    });

    it('writes with a token, with POST even where it reads with GET', async () => {
      for (const method of ['POST', 'GET'] as const) {
        const writer = new GraphQLClient(endpoint, {
          method,
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        const summary = `Written by graphql-request (${method} client)`;
        const written = await writer.request<any>(NOTE, { id: agreementId, summary });
        expect(written.updateAgreement.summary).toBe(summary);
      }
      // graphql-request sends a mutation as POST whatever `method` says: Ratify, which refuses
      // a GET mutation (405: `npm test -- test/edge.e2e-spec.ts -t GET`), never sees one.
      expect(methods).toEqual(['POST', 'POST']);
      const refused = await new GraphQLClient(endpoint)
        .request(NOTE, { id: agreementId, summary: 'Not written' })
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ClientError);
      expect((refused as ClientError).response.errors?.[0].extensions?.code).toBe(
        'UNAUTHENTICATED',
      );
    });
  });

  describe('Apollo Client 4', () => {
    /** Apollo Client's own warnings and errors (deprecations, cache misses, bad answers). */
    let complaints: unknown[][];
    beforeEach(() => {
      complaints = [];
      for (const level of ['warn', 'error'] as const) {
        jest.spyOn(console, level).mockImplementation((...args) => complaints.push(args));
      }
    });

    it('reads, writes and subscribes (HttpLink, GraphQLWsLink) without a warning', async () => {
      const token = `Bearer ${ADMIN_TOKEN}`;
      const socket = webSocket({ authorization: token });
      const client = new ApolloClient({
        cache: new InMemoryCache(),
        link: ApolloLink.split(
          ({ operationType }) => operationType === OperationTypeNode.SUBSCRIPTION,
          new GraphQLWsLink(socket),
          new HttpLink({ uri: endpoint, headers: { authorization: token } }),
        ),
      });

      const read = await client.query({ query: gql(STATUS) });
      expect((read.data as any).agreements.edges[0].node.stage).toBe('AGREEMENT_IN_PRINCIPLE');

      const written = await client.mutate({
        mutation: gql(NOTE),
        variables: { id: agreementId, summary: 'Written by Apollo Client' },
      });
      expect((written.data as any).updateAgreement.summary).toBe('Written by Apollo Client');
      expect(methods).toEqual(['POST', 'POST']);

      const before = (await server.health()).subscriptions;
      const seen = firstValueFrom(
        client
          .subscribe({ query: gql(EVENTS) })
          .pipe(filter((result) => (result.data as any)?.agreementEvents?.action === 'REOPEN')),
      );
      await waitUntil(async () => (await server.health()).subscriptions > before);
      await reopen('Seen by Apollo Client');
      expect(((await seen).data as any).agreementEvents.note).toBe('Seen by Apollo Client');
      await restore();
      client.stop();
      expect(complaints).toEqual([]);
    });
  });
});
