import type { IncomingMessage, ServerResponse } from 'node:http';
import { Metrics } from '../metrics/metrics.js';
import { Inject, Injectable } from '@nestjs/common';
import { clientAddressResolver } from '../common/client-address.js';
import { DomainError, ErrorCode } from '../common/domain-error.js';
import type { GraphQLAccess } from '../common/graphql-access.js';
import { requestError } from '../common/graphql-errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { ApiTokensService } from './api-tokens.service.js';
import type { Principal } from './principal.js';
import { addressKey, RateLimiter } from './rate-limiter.js';

/** What each GraphQL operation carries, over HTTP or WebSocket alike. */
export interface RequestContext {
  /** The Authorization header (HTTP) or `connectionParams.authorization` (WebSocket). */
  authorization?: unknown;
  /** Set once the token is verified (the roles guard, or at connection_init for a WebSocket). */
  principal?: Principal;
  /** The client's address, behind the proxies TRUST_PROXY trusts. */
  clientAddress?: string;
  /** The HTTP request and its response; absent over WebSocket. */
  req?: IncomingMessage;
  res?: ServerResponse;
}

/**
 * Who is calling, for the GraphQL edge over HTTP and WebSocket: the context of each operation,
 * and the token checks that reads make (REQUIRE_AUTH_FOR_READS, a WebSocket's connection_init).
 *
 * A failed authentication counts against the client address's bucket of the write rate limit
 * (RATE_LIMIT_WRITES_PER_MINUTE), and against a bucket of the same size for failures alone; an
 * address whose failures bucket is empty is refused before its token is even looked at, over
 * HTTP and WebSocket, for reads and writes. Guessing tokens is then as limited through reads and
 * WebSockets as through writes, while an address that only writes a lot (a newsroom's proxy)
 * still reads with a valid token: a successful authentication costs nothing.
 */
@Injectable()
export class RequestContexts implements GraphQLAccess<Principal> {
  private readonly clientAddress: (request: IncomingMessage) => string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tokens: ApiTokensService,
    private readonly limiter: RateLimiter,
    private readonly metrics: Metrics,
  ) {
    this.clientAddress = clientAddressResolver(config.trustProxy);
  }

  /**
   * With REQUIRE_AUTH_FOR_READS an HTTP request without a valid token is refused here, before its
   * query is even parsed, so that no part of the schema shows through to a stranger.
   */
  async forHttp(req: IncomingMessage, res: ServerResponse): Promise<RequestContext> {
    const context: RequestContext = {
      req,
      res,
      authorization: req.headers.authorization,
      clientAddress: this.clientAddress(req),
    };
    if (this.config.requireAuthForReads) {
      try {
        context.principal = await this.verify(context.authorization, context.clientAddress!);
      } catch (error) {
        if (!(error instanceof DomainError)) {
          throw error;
        }
        const retryAfter = error.details.retryAfter;
        if (typeof retryAfter === 'number') {
          res.setHeader('Retry-After', String(retryAfter));
        }
        throw requestError(error, error.code === ErrorCode.RATE_LIMITED ? 429 : 401);
      }
    }
    return context;
  }

  /** Whether an HTTP request outside GraphQL may see what reads show (REQUIRE_AUTH_FOR_READS). */
  async mayRead(req: IncomingMessage): Promise<boolean> {
    if (!this.config.requireAuthForReads) {
      return true;
    }
    try {
      await this.verify(req.headers.authorization, this.clientAddress(req));
      return true;
    } catch (error) {
      if (error instanceof DomainError) {
        return false;
      }
      throw error;
    }
  }

  /** Without `authorization` a connection is anonymous, unless reads need a token. */
  async connect(
    connectionParams: Readonly<Record<string, unknown>> | undefined,
    clientAddress: string,
  ): Promise<Principal | null> {
    const authorization = connectionParams?.authorization;
    if (authorization === undefined && !this.config.requireAuthForReads) {
      return null;
    }
    return this.verify(authorization, clientAddress);
  }

  forWebSocket(
    connectionParams: Readonly<Record<string, unknown>> | undefined,
    principal: Principal | null,
    clientAddress: string,
  ): RequestContext {
    return {
      authorization: connectionParams?.authorization,
      principal: principal ?? undefined,
      clientAddress,
    };
  }

  async revoked(principals: readonly Principal[]): Promise<ReadonlySet<Principal>> {
    const ids = principals.flatMap((principal) => (principal.tokenId ? [principal.tokenId] : []));
    if (ids.length === 0) {
      return new Set();
    }
    const revoked = await this.tokens.revokedAmong(ids);
    return new Set(principals.filter((principal) => revoked.has(principal.tokenId ?? '')));
  }

  /**
   * The principal behind `authorization`: UNAUTHENTICATED, or RATE_LIMITED when this address has
   * failed too often with a token (RequestContexts' doc). Every authentication goes through here.
   */
  async verify(
    authorization: unknown,
    clientAddress: string,
    /** A write, which the RateLimitGuard counted against the address already. */
    { write = false } = {},
  ): Promise<Principal> {
    // No token is no guess: it is answered UNAUTHENTICATED, and counts for nothing.
    if (authorization === undefined || authorization === null || authorization === '') {
      return this.tokens.authenticate(authorization);
    }
    const failures = `failed-authentications:${addressKey(clientAddress)}`;
    const retryAfter = this.limiter.wait([failures]);
    if (retryAfter !== null) {
      this.metrics.rateLimited.inc({ limit: 'failed-authentications' });
      throw new DomainError(
        ErrorCode.RATE_LIMITED,
        `Too many failed authentications from this address: at most ${this.config.rateLimitWritesPerMinute} a minute, counted with its writes (RATE_LIMIT_WRITES_PER_MINUTE). Retry in ${retryAfter} s.`,
        { retryAfter },
      );
    }
    try {
      return await this.tokens.authenticate(authorization);
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.UNAUTHENTICATED) {
        this.limiter.spend(write ? [failures] : [failures, addressKey(clientAddress)]);
      }
      throw error;
    }
  }
}
