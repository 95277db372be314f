import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { DestinationStream } from 'pino';
import { loadConfig } from '../config/config.js';
import { isoTime, lineWriter, rootLogger } from './logging.js';

/** A destination keeping every line written to it. */
function lines(): DestinationStream & { written: string[] } {
  const written: string[] = [];
  return { written, write: (line: string) => void written.push(line) };
}

describe('isoTime', () => {
  it('writes the time as Date#toISOString does, to the millisecond, whatever the moment', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -62_135_596_800_000, max: 253_402_300_799_999 }), // years 1 to 9999
        fc.integer({ min: 0, max: 2_500 }),
        (now, later) => {
          // Two moments, often in the same second: the second's part is reused between them.
          for (const moment of [now, now + later]) {
            expect(isoTime(moment)).toBe(`,"time":"${new Date(moment).toISOString()}"`);
          }
        },
      ),
    );
  });
});

describe('lineWriter', () => {
  const config = loadConfig({ LOG_LEVEL: 'debug' });

  it("writes the line pino would write: the same keys, in the same order, with the logger's own base fields", () => {
    const pinoLines = lines();
    const ownLines = lines();
    const fields = {
      reqId: 'a "quoted" id\n',
      status: 200,
      durationMs: 1.5,
      missing: null,
      left: undefined,
      operation: 'Ünïcödé ✓',
    };
    rootLogger(config, pinoLines).info(fields, 'request');
    lineWriter(rootLogger(config, ownLines))('info', { ...fields, msg: 'request' });
    const [byPino] = pinoLines.written;
    const [own] = ownLines.written;
    expect(own.endsWith('}\n')).toBe(true);
    const parsed = JSON.parse(own) as Record<string, unknown>;
    const expected = JSON.parse(byPino) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(Object.keys(expected));
    expect({ ...parsed, time: 0 }).toEqual({ ...expected, time: 0 });
    expect(parsed).toMatchObject({ level: 'info', service: 'ratify', msg: 'request' });
    expect(Math.abs(Date.parse(parsed.time as string) - Date.now())).toBeLessThan(60_000);
  });

  it('writes at the level it is given', () => {
    const written = lines();
    lineWriter(rootLogger(config, written))('error', { status: 500, msg: 'request' });
    expect(JSON.parse(written.written[0])).toMatchObject({ level: 'error', status: 500 });
  });
});
