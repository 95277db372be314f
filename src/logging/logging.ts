import type { LogLevel } from '@nestjs/common';
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
    timestamp: pino.stdTimeFunctions.isoTime,
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
  // Written in the background, a few kilobytes at a time: a request does not wait for its line
  // to reach the collector, and a busy server makes one write for a dozen lines, not one each
  // (the bench's observability measure). A quiet server's lines are written within a second;
  // what is buffered is written out when the process exits.
  const stdout = pino.destination({ dest: 1, sync: false, minLength: LOG_BUFFER_BYTES });
  const flushing = setInterval(() => {
    try {
      stdout.flush();
    } catch {
      clearInterval(flushing); // ended at the process's exit: nothing more is written
    }
  }, LOG_FLUSH_MS).unref();
  return pino(options, stdout);
}

/** How much of the log is kept before it is written, and for how long at most. */
const LOG_BUFFER_BYTES = 4096;
const LOG_FLUSH_MS = 1000;

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
