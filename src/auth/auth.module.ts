import { Global, Module } from '@nestjs/common';
import { ApiTokensResolver } from './api-tokens.resolver.js';
import { ApiTokensService } from './api-tokens.service.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { RateLimiter } from './rate-limiter.js';
import { RequestContexts } from './request-context.js';
import { RolesGuard } from './roles.guard.js';
import { ViewerResolver } from './viewer.resolver.js';

@Global()
@Module({
  providers: [
    ApiTokensService,
    ApiTokensResolver,
    RolesGuard,
    RateLimiter,
    RateLimitGuard,
    RequestContexts,
    ViewerResolver,
  ],
  exports: [ApiTokensService, RolesGuard, RateLimitGuard, RateLimiter, RequestContexts],
})
export class AuthModule {}
