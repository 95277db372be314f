import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { type OperationFacts, RequestLines } from './request-log.js';

/**
 * Text a client could put in a path, an operation's name or an address: mostly one of two
 * values, so that requests alike but for one field follow one another; else anything, quotes,
 * controls and lone surrogates included.
 */
const text = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('/graphql', 'Status') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
);

const facts: fc.Arbitrary<OperationFacts | undefined> = fc.oneof(
  // Mostly one of a few, each request with its own copy: told apart by their fields.
  {
    weight: 3,
    arbitrary: fc
      .constantFrom<OperationFacts | undefined>(
        undefined,
        { operation: 'Status', type: 'query', outcome: 'OK', tokenName: null },
        { operation: 'Status', type: 'query', outcome: 'OK', tokenName: 'newsroom' },
        { operation: 'Status', type: 'query', outcome: 'NOT_FOUND', tokenName: null },
        { operation: null, type: 'mutation', outcome: 'NOT_FOUND', tokenName: 'a "token"' },
      )
      .map((picked) => picked && { ...picked }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      operation: fc.option(text),
      type: fc.constantFrom('query', 'mutation'),
      outcome: fc.constantFrom('OK', 'NOT_FOUND'),
      tokenName: fc.option(text),
    }),
  },
);

const request = fc.record({
  reqId: fc.oneof(fc.uuid(), text),
  method: fc.constantFrom('POST', 'GET'),
  path: text,
  status: fc.constantFrom(null, 200),
  durationMs: fc.oneof(fc.double({ min: 0, max: 1e6 }), fc.constant(Number.NaN)),
  clientAddress: fc.oneof(text, fc.constant(undefined)), // undefined: the socket is gone
  operation: facts,
});

describe('RequestLines', () => {
  it('writes what JSON.stringify writes of the line, in the same order, however the requests follow one another', () => {
    fc.assert(
      fc.property(
        // Drawn from a few requests, so that runs of the same one come up.
        fc
          .array(request, { minLength: 1, maxLength: 4 })
          .chain((requests) => fc.array(fc.constantFrom(...requests), { maxLength: 30 })),
        (requests) => {
          const lines = new RequestLines();
          for (const r of requests) {
            const expected = JSON.stringify({
              reqId: r.reqId,
              method: r.method,
              path: r.path,
              status: r.status,
              durationMs: r.durationMs,
              clientAddress: r.clientAddress,
              operation: r.operation?.operation,
              type: r.operation?.type,
              outcome: r.operation?.outcome,
              tokenName: r.operation?.tokenName,
              msg: r.status === null ? 'request aborted' : 'request',
            });
            const written = lines.fields(
              r.reqId,
              r.method,
              r.path,
              r.status,
              r.durationMs,
              r.clientAddress,
              r.operation,
            );
            expect(`{${written}}`).toBe(expected);
          }
        },
      ),
    );
  });
});
