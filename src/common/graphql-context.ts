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

/** What graphql-ws keeps per connection (`ctx.extra`): the principal verified in onConnect. */
export interface WebSocketExtra {
  principal?: Principal;
}

interface WebSocketContext {
  connectionParams?: Readonly<Record<string, unknown>>;
  extra?: WebSocketExtra;
}

/** Builds the context from Apollo's `{ req }` (HTTP) or graphql-ws's context (WebSocket). */
export function requestContext(source: { req?: Request } | WebSocketContext): RequestContext {
  if ('connectionParams' in source) {
    return {
      authorization: source.connectionParams?.authorization,
      principal: source.extra?.principal,
    };
  }
  const req = (source as { req?: Request }).req;
  return { req, authorization: req?.headers.authorization };
}
