import { describe, expect, it } from '@jest/globals';
import { buildSchema, parse } from 'graphql';
import { measureOperation } from './query-limits.js';

const schema = buildSchema(`
  type Query {
    agreement(id: ID!): Agreement
    agreements(first: Int = 20, last: Int): AgreementConnection!
  }
  type Agreement {
    id: ID!
    timeline(first: Int = 50, last: Int): EventConnection!
  }
  type AgreementConnection { edges: [AgreementEdge!]! }
  type AgreementEdge { node: Agreement! }
  type EventConnection { edges: [EventEdge!]! }
  type EventEdge { node: Event! }
  type Event { sequence: Int! }
`);

describe('measureOperation, remembered per document', () => {
  it('sizes a document once when no variable sets a size: another id is the same size', () => {
    const document = parse(
      `query ($id: ID!) { agreement(id: $id) { timeline(last: 5) { edges { node { sequence } } } } }`,
    );
    const first = measureOperation(schema, document, undefined, { id: 'a' });
    expect(first).toEqual({ cost: 13, depth: 5, aliases: 0, introspectionDepth: 0 });
    expect(measureOperation(schema, document, undefined, { id: 'b' })).toBe(first);
    // Another parse of the same text is measured afresh, to the same size.
    expect(measureOperation(schema, parse(document.loc!.source.body), undefined, {})).toEqual(
      first,
    );
  });

  it('sizes a document again for each value of a variable that sets a size', () => {
    const document = parse(
      `query ($n: Int, $m: Int) { agreements(first: $n) { edges { node { ...Events } } } }
       fragment Events on Agreement { timeline(last: $m) { edges { node { sequence } } } }`,
    );
    const cost = (n: number, m: number) =>
      measureOperation(schema, document, undefined, { n, m })!.cost;
    // agreements, edges, and per agreement: node, timeline, edges, and per event node, sequence.
    const expected = (n: number, m: number) => 2 + n * (3 + 2 * m);
    expect(cost(2, 3)).toBe(expected(2, 3));
    expect(cost(10, 3)).toBe(expected(10, 3));
    expect(cost(10, 50)).toBe(expected(10, 50));
    expect(cost(2, 3)).toBe(expected(2, 3));
  });

  it('keeps the sizes of a document apart by operation name and by introspection', () => {
    const document = parse(
      `query Small { agreements(first: 1) { edges { node { id } } } }
       query Large { agreements(first: 100) { edges { node { id } } } __schema { types { name } } }`,
    );
    expect(measureOperation(schema, document, 'Small')!.cost).toBe(1 + 1 + 2);
    expect(measureOperation(schema, document, 'Large')!.cost).toBeGreaterThan(200);
    const apart = measureOperation(schema, document, 'Large', {}, { introspection: true })!;
    expect(apart.introspectionDepth).toBe(3);
    expect(measureOperation(schema, document, 'Large')!.introspectionDepth).toBe(0);
  });
});
