import type { Request } from 'express';
import type { Principal } from '../auth/principal.js';

/** What each GraphQL operation carries, over HTTP or WebSocket alike. */
export interface RequestContext {
  /** The Authorization header (HTTP) or `connectionParams.authorization` (WebSocket). */
  authorization?: unknown;
  /** Set by the roles guard once the token is verified. */
  principal?: Principal;
  req?: Request;
}

interface WebSocketContext {
  connectionParams?: Readonly<Record<string, unknown>>;
}

/** Builds the context from Apollo's `{ req }` (HTTP) or graphql-ws's context (WebSocket). */
export function requestContext(source: { req?: Request } | WebSocketContext): RequestContext {
  if ('connectionParams' in source) {
    return { authorization: source.connectionParams?.authorization };
  }
  const req = (source as { req?: Request }).req;
  return { req, authorization: req?.headers.authorization };
}
