import { describe, expect, it } from '@jest/globals';
import {
  buildSchema,
  GraphQLInt,
  GraphQLObjectType,
  GraphQLScalarType,
  GraphQLSchema,
  GraphQLString,
  parse,
} from 'graphql';
import { subscribeSharingResults } from './shared-subscription-results.js';

interface Change {
  id: number;
}

/** A scalar that takes any value as it is, as a JSON scalar would. */
const Anything = new GraphQLScalarType({ name: 'Anything' });

/** As a request's JSON may carry it: JSON.parse takes it, JSON.stringify overflows on it. */
const deep = () => JSON.parse('['.repeat(100_000) + ']'.repeat(100_000)) as unknown;

/**
 * A schema whose subscription yields what `publish` sends to every listener, as Ratify's bus
 * does, and which counts how often a field of an event is resolved.
 */
function world() {
  const listeners = new Set<(change: Change) => void>();
  const closed: string[] = [];
  let resolved = 0;
  const Change = new GraphQLObjectType({
    name: 'Change',
    fields: {
      id: { type: GraphQLInt },
      label: {
        type: GraphQLString,
        args: { prefix: { type: GraphQLString } },
        resolve: (change: Change, { prefix }: { prefix?: string }) => {
          resolved += 1;
          return `${prefix ?? ''}${change.id}`;
        },
      },
    },
  });
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLInt } } }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: {
        changed: {
          type: Change,
          args: { name: { type: GraphQLString }, tag: { type: Anything } },
          resolve: (change: unknown) => change,
          subscribe: (_root: unknown, { name }: { name?: string }) => {
            const inbox: Change[] = [];
            let wake: (() => void) | null = null;
            const listener = (change: Change) => {
              inbox.push(change);
              wake?.();
            };
            listeners.add(listener);
            const iterator: AsyncIterableIterator<Change> = {
              next: async () => {
                while (inbox.length === 0) {
                  await new Promise<void>((resolve) => (wake = resolve));
                }
                return { value: inbox.shift()!, done: false };
              },
              return: () => {
                listeners.delete(listener);
                closed.push(name ?? '');
                return Promise.resolve({ value: undefined, done: true });
              },
              [Symbol.asyncIterator]: () => iterator,
            };
            return iterator;
          },
        },
      },
    }),
  });
  const subscribe = async (query: string, variableValues?: Record<string, unknown>) => {
    const stream = await subscribeSharingResults({
      schema,
      document: parse(query),
      variableValues,
    });
    if (!(Symbol.asyncIterator in stream)) {
      throw new Error(`subscribe failed: ${JSON.stringify(stream)}`);
    }
    return stream;
  };
  return {
    subscribe,
    publish: (change: Change) => listeners.forEach((listener) => listener(change)),
    listeners: () => listeners.size,
    resolved: () => resolved,
    closed,
  };
}

const QUERY = `subscription ($prefix: String) { changed { id label(prefix: $prefix) } }`;

describe('subscribeSharingResults', () => {
  it('executes an event once for every subscriber of the same operation and variables', async () => {
    const w = world();
    const streams = await Promise.all(
      Array.from({ length: 50 }, () => w.subscribe(QUERY, { prefix: '#' })),
    );
    const next = streams.map((stream) => stream.next());
    w.publish({ id: 7 });
    const results = await Promise.all(next);
    expect(w.resolved()).toBe(1);
    for (const result of results) {
      expect(result).toEqual({ done: false, value: { data: { changed: { id: 7, label: '#7' } } } });
      expect(result.value).toBe(results[0].value);
    }
  });

  it('executes separately for other variables, another operation, and another event', async () => {
    const w = world();
    const hash = await w.subscribe(QUERY, { prefix: '#' });
    const dash = await w.subscribe(QUERY, { prefix: '-' });
    const bare = await w.subscribe(`subscription { changed { label } }`);
    const next = () => Promise.all([hash.next(), dash.next(), bare.next()]);
    const first = next();
    w.publish({ id: 1 });
    await first;
    const second = next();
    w.publish({ id: 2 });
    const values = [...(await first), ...(await second)].map((result) => result.value);
    expect(values).toEqual([
      { data: { changed: { id: 1, label: '#1' } } },
      { data: { changed: { id: 1, label: '-1' } } },
      { data: { changed: { label: '1' } } },
      { data: { changed: { id: 2, label: '#2' } } },
      { data: { changed: { id: 2, label: '-2' } } },
      { data: { changed: { label: '2' } } },
    ]);
    expect(w.resolved()).toBe(6);
  });

  it('shares among subscribers whose variables differ only in what the operation does not declare', async () => {
    const w = world();
    const streams = [
      await w.subscribe(QUERY, { prefix: '#' }),
      await w.subscribe(QUERY, { prefix: '#', junk: 'a' }),
      await w.subscribe(QUERY, { prefix: '#', junk: deep() }),
    ];
    const next = Promise.all(streams.map((stream) => stream.next()));
    w.publish({ id: 4 });
    const values = (await next).map((result) => result.value);
    expect(values).toEqual(Array(3).fill({ data: { changed: { id: 4, label: '#4' } } }));
    expect(w.resolved()).toBe(1);
  });

  it('executes for each subscriber when its variables cannot be made a key', async () => {
    const w = world();
    const query = `subscription ($tag: Anything) { changed(tag: $tag) { label } }`;
    const streams = [
      await w.subscribe(query, { tag: deep() }),
      await w.subscribe(query, { tag: deep() }),
    ];
    const next = Promise.all(streams.map((stream) => stream.next()));
    w.publish({ id: 5 });
    const values = (await next).map((result) => result.value);
    expect(values).toEqual(Array(2).fill({ data: { changed: { label: '5' } } }));
    expect(w.resolved()).toBe(2);
  });

  it('lets a subscriber go at once, even while it waits for an event', async () => {
    const w = world();
    const stream = await w.subscribe(`subscription { changed(name: "leaving") { id } }`);
    const waiting = stream.next();
    expect(w.listeners()).toBe(1);
    await expect(stream.return?.()).resolves.toEqual({ value: undefined, done: true });
    expect(w.closed).toEqual(['leaving']);
    expect(w.listeners()).toBe(0);
    w.publish({ id: 3 }); // the waiting next() may still take it; no one listens any more
    await Promise.race([waiting, new Promise((resolve) => setTimeout(resolve, 10))]);
  });

  it('returns the errors of an operation that cannot subscribe, as graphql does', async () => {
    const result = await subscribeSharingResults({
      schema: buildSchema('type Query { ok: Int }'),
      document: parse('subscription { changed { id } }'),
    });
    expect(result).toEqual({
      errors: [expect.objectContaining({ message: expect.stringMatching(/subscription/i) })],
    });
  });
});
