import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DestinationStream } from 'pino';
import { loadConfig } from '../config/config.js';
import { droppedLogLines, isoTime, lineWriter, logDestination, rootLogger } from './logging.js';

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
    lineWriter(rootLogger(config, ownLines))(
      'info',
      JSON.stringify({ ...fields, msg: 'request' }).slice(1, -1),
    );
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
    lineWriter(rootLogger(config, written))('error', '"status":500,"msg":"request"');
    expect(JSON.parse(written.written[0])).toMatchObject({ level: 'error', status: 500 });
  });
});

/** A named pipe nobody reads yet: it takes 64 KB, then every write finds it full (EAGAIN). */
function stalledPipe(): { reader: number; writer: number; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'ratify-log-'));
  const fifo = join(dir, 'stdout');
  execFileSync('mkfifo', [fifo]);
  const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const writer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
  return {
    reader,
    writer,
    dispose: () => {
      closeSync(reader);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const LINE = `${JSON.stringify({ level: 'info', msg: 'x'.repeat(200) })}\n`;

describe('logDestination', () => {
  it('holds at most what it is told for a reader that does not keep up, drops and counts the rest, and writes whole lines', async () => {
    const { reader, writer, dispose } = stalledPipe();
    try {
      const hold = 256 * 1024;
      const destination = logDestination(writer, hold);
      const sent = 10_000; // 2.2 MB
      const before = droppedLogLines();
      for (let i = 0; i < sent; i += 1) {
        destination.write(LINE);
      }
      const dropped = droppedLogLines() - before;
      expect(dropped).toBeGreaterThanOrEqual(sent - Math.ceil(hold / LINE.length));
      expect(dropped).toBeLessThan(sent);

      // The reader comes back: what was held arrives, as whole lines.
      const chunk = Buffer.alloc(64 * 1024);
      let received = '';
      const deadline = Date.now() + 10_000;
      while (received.length < (sent - dropped) * LINE.length && Date.now() < deadline) {
        try {
          received += chunk.toString('utf8', 0, readSync(reader, chunk));
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
          await sleep(20); // SonicBoom tries a full pipe again after 100 ms
        }
      }
      const lines = received.split('\n');
      expect(lines.pop()).toBe('');
      expect(lines).toHaveLength(sent - dropped);
      expect(new Set(lines)).toEqual(new Set([LINE.slice(0, -1)]));
    } finally {
      dispose();
    }
  });

  it('does not wait for ever for a reader that has stopped reading when the server stops', () => {
    const { writer, dispose } = stalledPipe();
    try {
      const destination = logDestination(writer, 1024 * 1024, 300);
      for (let i = 0; i < 2_000; i += 1) {
        destination.write(LINE);
      }
      const stopping = Date.now();
      destination.flushSync();
      expect(Date.now() - stopping).toBeLessThan(5_000);
    } finally {
      dispose();
    }
  });
});
