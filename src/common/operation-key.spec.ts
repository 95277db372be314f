import { describe, expect, it } from '@jest/globals';
import { getOperationAST, parse } from 'graphql';
import { operationKey } from './operation-key.js';

/** As a request's JSON may carry it: JSON.parse takes it, JSON.stringify overflows on it. */
const DEEP: unknown = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000));

const TEXT = `query Read($id: ID!, $first: Int) { agreement(id: $id) { title } events(first: $first) { totalCount } }`;
const operation = getOperationAST(parse(TEXT))!;
const key = (variables: Record<string, unknown> | null | undefined, text = TEXT, name = 'Read') =>
  operationKey(text, operation, name, variables);

describe('operationKey', () => {
  it('leaves out the variables the operation does not declare, however deep', () => {
    const plain = key({ id: 'a', first: 2 });
    expect(plain).toEqual(expect.any(String));
    expect(key({ id: 'a', first: 2, junk: { x: 1 } })).toBe(plain);
    expect(key({ junk: DEEP, first: 2, id: 'a' })).toBe(plain);
  });

  it('tells apart what executes differently: values, absent from null, text and name', () => {
    const keys = [
      key({ id: 'a', first: 2 }),
      key({ id: 'b', first: 2 }),
      key({ id: 'a' }),
      key({ id: 'a', first: null }),
      key({ id: 'a', first: 2 }, `${TEXT} `),
      key({ id: 'a', first: 2 }, TEXT, 'Other'),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    expect(key(undefined)).toBe(key({}));
    expect(key(null)).toBe(key({}));
  });

  it('keeps a variable named __proto__ in the key', () => {
    const text = `query ($__proto__: String) { agreements(search: $__proto__) { totalCount } }`;
    const proto = getOperationAST(parse(text))!;
    const values = ['{ "__proto__": "a" }', '{ "__proto__": "b" }'].map((json) =>
      operationKey(text, proto, null, JSON.parse(json) as Record<string, unknown>),
    );
    expect(values[0]).not.toBe(values[1]);
  });

  it('is null, and does not throw, when a declared value is nested too deep to write', () => {
    expect(key({ id: DEEP })).toBeNull();
  });
});
