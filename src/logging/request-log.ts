import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { lineWriter } from './logging.js';

/** What the request's GraphQL operation was, for its line (set by the operation plugin). */
export interface OperationFacts {
  readonly operation: string | null;
  readonly type: string;
  readonly outcome: string;
  /** The name of the token that made it, never the token. */
  readonly tokenName: string | null;
}

const operations = new WeakMap<IncomingMessage, OperationFacts>();

export function noteOperation(req: IncomingMessage, facts: OperationFacts): void {
  operations.set(req, facts);
}

/** A client's own request id, when it is a plain short one; otherwise a new one. */
const CLIENT_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Paths whose lines are debug: the probes and scrapes that come every few seconds. */
const PROBES = new Set(['/health', '/health/ready', '/metrics']);

/**
 * What writes one line per HTTP request once it is answered (README, "Operating Ratify"): its id
 * (also sent back as `x-request-id`), method, path without the query, status, duration, and for
 * /graphql the operation's name, type and outcome and the token's name. Never a header, a body,
 * a query string or a variable.
 */
export function requestLogger(
  logger: Logger,
  clientAddress: (req: IncomingMessage) => string,
): (req: IncomingMessage, res: ServerResponse, path: string) => void {
  const write = lineWriter(logger);
  return (req, res, path) => {
    const started = performance.now();
    const given = req.headers['x-request-id'];
    const reqId = typeof given === 'string' && CLIENT_ID.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', reqId);
    res.once('close', () => {
      const status = res.writableFinished ? res.statusCode : null;
      // A client that left (no status) is not the server's failure.
      const level =
        status !== null && status >= 500 ? 'error' : PROBES.has(path) ? 'debug' : 'info';
      if (!logger.isLevelEnabled(level)) {
        return;
      }
      // One shape for every line, the operation's fields left out (undefined) where there was
      // none: JSON.stringify writes it fastest that way.
      const operation = operations.get(req);
      write(level, {
        reqId,
        method: req.method,
        path,
        status,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        clientAddress: clientAddress(req),
        operation: operation?.operation,
        type: operation?.type,
        outcome: operation?.outcome,
        tokenName: operation?.tokenName,
        msg: status === null ? 'request aborted' : 'request',
      });
    });
  };
}
