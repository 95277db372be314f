import { Inject, Injectable, type LogLevel, type OnApplicationShutdown } from '@nestjs/common';
import { Logger as NestPinoLogger, PinoLogger } from 'nestjs-pino';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { AppConfig } from '../config/config.js';

/** The root logger, for what is not logged through Nest's Logger (the request lines). */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/** Nest's levels, as LOG_LEVEL names them, in pino's words. */
const PINO_LEVELS: Record<LogLevel, pino.Level> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/**
 * What is never written, wherever it would appear in a line: tokens and secrets under any of
 * these names (README, "Operating Ratify"). The lines are built to hold none; this is the net.
 */
const REDACTED = [
  'authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'token',
  'secret',
  'variables',
];

/**
 * The process's logger (README, "Operating Ratify"): JSON lines (pino) on stdout, one per event,
 * with ISO times and level names; pretty, through pino-pretty, only for a person at a terminal
 * outside production. LOG_LEVEL sets the level. `destination` (the specs) replaces stdout.
 */
export function rootLogger(config: AppConfig, destination?: DestinationStream): Logger {
  const lowest = config.logLevels.at(-1);
  const options: pino.LoggerOptions = {
    level: lowest ? PINO_LEVELS[lowest] : 'silent',
    base: { service: 'ratify', pid: process.pid },
    timestamp: isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACTED, censor: '[redacted]' },
  };
  if (destination) {
    return pino(options, destination);
  }
  if (process.stdout.isTTY && config.nodeEnv !== 'production') {
    return pino({
      ...options,
      transport: {
        target: 'pino-pretty',
        options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' },
      },
    });
  }
  return pino(options, logDestination(1));
}

/**
 * Where a production server's lines go: the file descriptor `fd` (stdout), written in the
 * background, 16 KB at a time. A request does not wait for its line to reach the collector, and
 * a busy server makes one write for about fifty lines, not one each (each write is handed to a
 * thread of libuv's pool and back: the bench's observability measure). A quiet server's lines
 * are written within a second; what is held is written out when the server stops (LogFlush).
 *
 * The lines are kept as bytes (`contentMode: 'buffer'`): in its text mode SonicBoom measures
 * the UTF-8 length of everything held so far on each line it adds, which with kilobytes waiting
 * was the largest cost of a request's line.
 *
 * At most `holdBytes` are held while the reader does not keep up (a log shipper stopped, a full
 * pipe): the lines beyond are dropped and counted (`droppedLogLines`, the metric
 * ratify_log_lines_dropped_total) rather than kept until the process runs out of memory, which a
 * client sending requests could otherwise bring about.
 */
export function logDestination(
  fd: number,
  holdBytes = LOG_HOLD_BYTES,
  flushWaitMs = LOG_FLUSH_WAIT_MS,
): DestinationStream & { flushSync(): void } {
  let giveUpAt = Infinity;
  const stream = pino.destination({
    dest: fd,
    sync: false,
    minLength: LOG_BUFFER_BYTES,
    maxWrite: 4 * LOG_BUFFER_BYTES, // more than minLength, as SonicBoom requires
    maxLength: holdBytes,
    periodicFlush: LOG_FLUSH_MS,
    contentMode: 'buffer',
    // A full pipe is tried again every 100 ms: while the server runs, for as long as it takes;
    // once it stops, for `flushWaitMs`, so that a reader that has stopped reading does not keep
    // the process from ending.
    retryEAGAIN: () => Date.now() < giveUpAt,
  });
  stream.on('drop', () => {
    droppedLines += 1;
  });
  stream.on('error', (error) => {
    if (Date.now() < giveUpAt) {
      throw error; // as without this listener: a log that cannot be written stops the server
    }
    // Stopping, and the reader did not take the rest in time: those lines are lost.
  });
  return {
    write: (line: string) => stream.write(Buffer.from(line) as unknown as string),
    flushSync: () => {
      giveUpAt = Date.now() + flushWaitMs;
      try {
        stream.flushSync();
      } catch {
        // The reader did not take the rest in time, or is gone (EPIPE): nothing more can be done.
      }
    },
  };
}

/** Lines dropped since the process started, because the log's reader did not keep up. */
export function droppedLogLines(): number {
  return droppedLines;
}

let droppedLines = 0;

/**
 * Writes out what the log holds, before the process ends (README, "Operating Ratify"). Nest's
 * shutdown ends it with the signal it received once the shutdown hooks have run, which leaves
 * no 'exit' event for pino to write the rest on. This is a hook of the application's own module,
 * which Nest calls after those of the modules it imports; a line that another hook of that
 * module logs after it may still be lost.
 */
@Injectable()
export class LogFlush implements OnApplicationShutdown {
  constructor(@Inject(ROOT_LOGGER) private readonly logger: Logger) {}

  onApplicationShutdown(): void {
    (own(this.logger, pino.symbols.streamSym) as { flushSync?: () => void }).flushSync?.();
  }
}

/** What pino keeps on `logger` under one of `pino.symbols` (its destination, time function...). */
function own(logger: Logger, symbol: symbol): unknown {
  return (logger as unknown as Record<symbol, unknown>)[symbol];
}

/** How much of the log is kept before it is written, and for how long at most. */
const LOG_BUFFER_BYTES = 16 * 1024;
const LOG_FLUSH_MS = 1000;
/** The most the log holds for a reader that does not keep up: 60,000 request lines or so. */
const LOG_HOLD_BYTES = 16 * 1024 * 1024;
/** How long a stopping server waits for a full pipe to take the rest of its lines. */
const LOG_FLUSH_WAIT_MS = 2000;

/**
 * Writes one line at a level already found enabled: `fields` is the JSON text of the line's own
 * members, without braces, `"msg":...` last as pino writes it.
 */
export type LineWriter = (level: pino.Level, fields: string) => void;

/**
 * Lines in the format of `logger`'s own (level, time, its base fields, then the line's fields),
 * written straight to its destination, for the line every request makes (request-log.ts). pino
 * builds a line key by key in JavaScript, a string at a time, which for a request's dozen fields
 * cost most of what logging cost a request (the bench's observability measure); the request's
 * line is built from text that mostly repeats from one request to the next. pino's redaction is
 * not applied: a line must be built to hold nothing to redact.
 */
export function lineWriter(logger: Logger): LineWriter {
  const stream = own(logger, pino.symbols.streamSym) as DestinationStream;
  const time = own(logger, pino.symbols.timeSym) as () => string;
  const bindings = own(logger, pino.symbols.chindingsSym) as string; // `,"service":"ratify",...`
  return (level, fields) => {
    stream.write(`{"level":"${level}"${time()}${bindings},${fields}}\n`);
  };
}

/**
 * pino's `isoTime` (`,"time":"2026-12-02T10:51:38.123Z"`), with the date and time to the second
 * worked out once a second: `Date#toISOString` formats through printf, a few microseconds a line.
 * `now` is for the specs.
 */
export function isoTime(now = Date.now()): string {
  const ms = ((now % 1000) + 1000) % 1000; // also before 1970
  const second = now - ms;
  if (second !== isoSecond) {
    isoSecond = second;
    isoPrefix = new Date(second).toISOString().slice(0, -4); // without "123Z"
  }
  return `,"time":"${isoPrefix}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z"`;
}

let isoSecond = Number.NaN;
let isoPrefix = '';

/**
 * nestjs-pino's PinoLogger, writing to this application's logger. nestjs-pino keeps one logger
 * per process (the first application's): specs that boot several servers in one process, each
 * with its LOG_LEVEL and its own destination, need each server's lines in its own logger.
 */
class ApplicationPinoLogger extends PinoLogger {
  constructor(private readonly root: Logger) {
    super({ pinoHttp: { logger: root } });
  }

  override get logger(): Logger {
    return this.root;
  }
}

/** What Nest's Logger writes through (`app.useLogger`): nestjs-pino's, onto `root`. */
export function nestLogger(root: Logger): NestPinoLogger {
  return new NestPinoLogger(new ApplicationPinoLogger(root), {});
}
