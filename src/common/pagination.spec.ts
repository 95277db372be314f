import { describe, expect, it } from '@jest/globals';
import { ErrorCode } from './domain-error.js';
import { decodeCursor, encodeCursor, MAX_CURSOR_POSITION, pageRequest } from './pagination.js';

const raw = (text: string) => Buffer.from(text).toString('base64url');

/** The refusal of a cursor the list did not hand out, naming `field`. */
const foreign = (field: string) =>
  expect.objectContaining({
    code: ErrorCode.BAD_USER_INPUT,
    details: { fields: { [field]: expect.stringContaining('is not a cursor of this list') } },
  });

describe('cursors', () => {
  it('reach as far as an integer column: 2^31 - 1', () => {
    expect(MAX_CURSOR_POSITION).toBe(2147483647);
    for (const position of [0, 1, 1_000_000, MAX_CURSOR_POSITION]) {
      expect(decodeCursor('event', encodeCursor('event', position))).toBe(position);
    }
  });

  it('past it, are refused as a cursor of another list', () => {
    for (const position of [MAX_CURSOR_POSITION + 1, 3_000_000_000, 999_999_999_999_999]) {
      expect(() => decodeCursor('event', encodeCursor('event', position))).toThrow(
        foreign('after'),
      );
    }
    expect(() => decodeCursor('event', raw('event:99999999999'))).toThrow(foreign('after'));
    expect(() => decodeCursor('event', raw('event:2147483648'), 'since')).toThrow(foreign('since'));
  });

  it('are refused when of another kind, malformed or empty', () => {
    for (const cursor of [
      encodeCursor('agreement', 1),
      raw('event:1:2'),
      raw('event:-1'),
      raw('event:1e3'),
      raw('event:'),
      'not base64 at all',
    ]) {
      expect(() => decodeCursor('event', cursor)).toThrow(foreign('after'));
    }
  });

  it('are read for a page the same way', () => {
    expect(pageRequest('event', { first: 10, after: encodeCursor('event', 7) })).toEqual({
      after: 7,
      size: 10,
      fromEnd: false,
    });
    expect(() =>
      pageRequest('event', { first: 10, after: encodeCursor('event', MAX_CURSOR_POSITION + 1) }),
    ).toThrow(foreign('after'));
  });
});
