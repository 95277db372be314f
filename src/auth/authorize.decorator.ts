import {
  applyDecorators,
  createParamDecorator,
  SetMetadata,
  UseGuards,
  type ExecutionContext,
} from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Principal } from './principal.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { RolesGuard } from './roles.guard.js';
import type { RequestContext } from './request-context.js';
import { REQUIRED_ROLE, type Role } from './role.js';

/** A write: rate-limited, and needs a valid token whose role is `role` or stronger. */
export const Authorize = (role: Role) =>
  applyDecorators(SetMetadata(REQUIRED_ROLE, role), UseGuards(RateLimitGuard, RolesGuard));

/** The verified principal of an operation marked with @Authorize. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = GqlExecutionContext.create(context).getContext<RequestContext>().principal;
    if (!principal) {
      throw new Error('CurrentPrincipal used on an operation without @Authorize');
    }
    return principal;
  },
);
