import type { IncomingMessage, ServerResponse } from 'node:http';
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
  /** The HTTP request and its response; absent over WebSocket. */
  req?: IncomingMessage;
  res?: ServerResponse;
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

/** Express's reading of TRUST_PROXY, for what does not pass through Express (all of GraphQL). */
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
 * Builds the context from the HTTP request (see graphql-http.ts) or graphql-ws's context
 * (WebSocket). The client's address follows TRUST_PROXY as Express's `req.ip` would.
 *
 * With REQUIRE_AUTH_FOR_READS an HTTP request without a valid token is refused here, before its
 * query is even parsed, so that no part of the schema shows through to a stranger (a WebSocket
 * is checked when it opens).
 */
export function requestContextFactory(config: AppConfig, tokens: ApiTokensService) {
  const trust = trustFunction(config.trustProxy);
  return async (
    source: { req: IncomingMessage; res: ServerResponse } | WebSocketContext,
  ): Promise<RequestContext> => {
    if ('extra' in source) {
      return {
        authorization: source.connectionParams?.authorization,
        principal: source.extra.principal,
        clientAddress: proxyaddr(source.extra.request, trust),
      };
    }
    const { req, res } = source;
    const context: RequestContext = {
      req,
      res,
      authorization: req.headers.authorization,
      clientAddress: proxyaddr(req, trust),
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
