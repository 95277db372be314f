import { Global, Module } from '@nestjs/common';
import { ApiTokensResolver } from './api-tokens.resolver.js';
import { ApiTokensService } from './api-tokens.service.js';
import { RolesGuard } from './roles.guard.js';

@Global()
@Module({
  providers: [ApiTokensService, ApiTokensResolver, RolesGuard],
  exports: [ApiTokensService, RolesGuard],
})
export class AuthModule {}
