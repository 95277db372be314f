import type { IncomingMessage } from 'node:http';
import type { Request } from 'express';
import proxyaddr from 'proxy-addr';
import type { ApiTokensService } from '../auth/api-tokens.service.js';
import type { Principal } from '../auth/principal.js';
import type { AppConfig } from '../config/config.js';
import { DomainError } from './domain-error.js';
import { requestError } from './graphql-errors.js';

/** What each GraphQL operation carries, over HTTP or WebSocket alike. */
export interface RequestContext {
  /** The Authorization header (HTTP) or `connectionParams.authorization` (WebSocket). */
  authorization?: unknown;
  /** Set once the token is verified (the roles guard, or onConnect for a WebSocket). */
  principal?: Principal;
  /** The client's address, behind the proxies TRUST_PROXY trusts. */
  clientAddress?: string;
  /** The HTTP request; absent over WebSocket. */
  req?: Request;
}

/** What graphql-ws keeps per connection (`ctx.extra`): the principal verified in onConnect. */
export interface WebSocketExtra {
  request: IncomingMessage;
  principal?: Principal;
}

interface WebSocketContext {
  connectionParams?: Readonly<Record<string, unknown>>;
  extra: WebSocketExtra;
}

/** Express's reading of TRUST_PROXY, for connections that do not pass through Express. */
function trustFunction(
  trustProxy: boolean | number | string,
): (address: string, hop: number) => boolean {
  if (typeof trustProxy === 'boolean') {
    return () => trustProxy;
  }
  if (typeof trustProxy === 'number') {
    return (_address, hop) => hop < trustProxy;
  }
  return proxyaddr.compile(trustProxy.split(/\s*,\s*/));
}

/**
 * Builds the context from Apollo's `{ req }` (HTTP) or graphql-ws's context (WebSocket). Over
 * HTTP Express has applied TRUST_PROXY to `req.ip`; a WebSocket upgrade gets the same rule here.
 *
 * With REQUIRE_AUTH_FOR_READS an HTTP request without a valid token is refused here, before its
 * query is even parsed, so that no part of the schema shows through to a stranger (a WebSocket
 * is checked when it opens).
 */
export function requestContextFactory(config: AppConfig, tokens: ApiTokensService) {
  const trust = trustFunction(config.trustProxy);
  return async (source: { req: Request } | WebSocketContext): Promise<RequestContext> => {
    if ('extra' in source) {
      return {
        authorization: source.connectionParams?.authorization,
        principal: source.extra.principal,
        clientAddress: proxyaddr(source.extra.request, trust),
      };
    }
    const { req } = source;
    const context: RequestContext = {
      req,
      authorization: req.headers.authorization,
      clientAddress: req.ip,
    };
    if (config.requireAuthForReads) {
      try {
        context.principal = await tokens.authenticate(context.authorization);
      } catch (error) {
        throw error instanceof DomainError ? requestError(error, 401) : error;
      }
    }
    return context;
  };
}
