import { hash } from 'node:crypto';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { DomainError, ErrorCode } from '../common/domain-error.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { Metrics } from '../metrics/metrics.js';
import { bearerToken } from './api-tokens.service.js';
import { addressKey, RateLimiter } from './rate-limiter.js';
import type { RequestContext } from './request-context.js';

/**
 * Limits writes per client address and per token (RATE_LIMIT_WRITES_PER_MINUTE), before the
 * token is even checked, so that guessing tokens is limited too.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly limiter: RateLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (!this.limiter.enabled) {
      return true;
    }
    const request = GqlExecutionContext.create(context).getContext<RequestContext>();
    const keys = [addressKey(request.clientAddress)];
    // Keyed on the token itself, so that each spelling of "Bearer" does not get a bucket.
    const token = bearerToken(request.authorization);
    if (token) {
      keys.push(`token:${hash('sha256', token)}`);
    }
    const retryAfter = this.limiter.take(keys);
    if (retryAfter === null) {
      return true;
    }
    request.res?.setHeader('Retry-After', String(retryAfter));
    this.metrics.rateLimited.inc({ limit: 'writes' });
    throw new DomainError(
      ErrorCode.RATE_LIMITED,
      `Too many writes: at most ${this.config.rateLimitWritesPerMinute} a minute per token and per address (RATE_LIMIT_WRITES_PER_MINUTE). Retry in ${retryAfter} s.`,
      { retryAfter },
    );
  }
}
