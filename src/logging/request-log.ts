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
  /** The client's address, as the operation's context found it: not worked out twice. */
  readonly clientAddress?: string;
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
  const lines = new RequestLines();
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
      const operation = operations.get(req);
      write(
        level,
        lines.fields(
          reqId,
          req.method ?? '',
          path,
          status,
          Math.round((performance.now() - started) * 10) / 10,
          operation?.clientAddress ?? clientAddress(req),
          operation,
        ),
      );
    });
  };
}

/**
 * The JSON text of a request's line (without braces), its fields in the order of README's
 * table. A server answers runs of alike requests: the fields that repeat from one request to the
 * next (method and path; client, operation, outcome and token) are written by JSON.stringify
 * once and reused while they stay the same, leaving per request the id, status and duration.
 */
export class RequestLines {
  private route: { method: string; path: string; text: string } | null = null;
  private answer: {
    clientAddress: string | undefined;
    operation: OperationFacts | undefined;
    aborted: boolean;
    text: string;
  } | null = null;

  fields(
    reqId: string,
    method: string,
    path: string,
    status: number | null,
    durationMs: number,
    clientAddress: string | undefined, // none when the socket is already gone
    operation: OperationFacts | undefined,
  ): string {
    const id = CLIENT_ID.test(reqId) ? `"${reqId}"` : JSON.stringify(reqId);
    return `"reqId":${id},${this.routeText(method, path)},"status":${status},"durationMs":${
      Number.isFinite(durationMs) ? durationMs : null
    },${this.answerText(clientAddress, operation, status === null)}`;
  }

  private routeText(method: string, path: string): string {
    const { route } = this;
    if (route !== null && route.method === method && route.path === path) {
      return route.text;
    }
    const text = JSON.stringify({ method, path }).slice(1, -1);
    this.route = { method, path, text };
    return text;
  }

  private answerText(
    clientAddress: string | undefined,
    operation: OperationFacts | undefined,
    aborted: boolean,
  ): string {
    const { answer } = this;
    if (
      answer !== null &&
      answer.clientAddress === clientAddress &&
      answer.aborted === aborted &&
      sameOperation(answer.operation, operation)
    ) {
      return answer.text;
    }
    // The operation's fields left out (undefined) where there was none.
    const text = JSON.stringify({
      clientAddress,
      operation: operation?.operation,
      type: operation?.type,
      outcome: operation?.outcome,
      tokenName: operation?.tokenName,
      msg: aborted ? 'request aborted' : 'request',
    }).slice(1, -1);
    this.answer = { clientAddress, operation, aborted, text };
    return text;
  }
}

function sameOperation(a: OperationFacts | undefined, b: OperationFacts | undefined): boolean {
  return (
    a === b ||
    (a !== undefined &&
      b !== undefined &&
      a.operation === b.operation &&
      a.type === b.type &&
      a.outcome === b.outcome &&
      a.tokenName === b.tokenName)
  );
}
