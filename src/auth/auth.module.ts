import { Global, Module } from '@nestjs/common';
import { ApiTokensResolver } from './api-tokens.resolver.js';
import { ApiTokensService } from './api-tokens.service.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { RateLimiter } from './rate-limiter.js';
import { RolesGuard } from './roles.guard.js';

@Global()
@Module({
  providers: [ApiTokensService, ApiTokensResolver, RolesGuard, RateLimiter, RateLimitGuard],
  exports: [ApiTokensService, RolesGuard, RateLimitGuard, RateLimiter],
})
export class AuthModule {}
