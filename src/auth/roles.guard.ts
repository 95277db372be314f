import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { DomainError, ErrorCode } from '../common/domain-error.js';
import { RequestContexts, type RequestContext } from './request-context.js';
import { REQUIRED_ROLE, roleAllows, type Role } from './role.js';

/** Verifies the token of an @Authorize operation and checks its role. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly contexts: RequestContexts,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const required = this.reflector.get<Role>(REQUIRED_ROLE, context.getHandler());
    const graphql = GqlExecutionContext.create(context);
    const request = graphql.getContext<RequestContext>();
    const principal = await this.contexts.verify(
      request.authorization,
      request.clientAddress ?? 'unknown',
      { write: true },
    );
    if (!roleAllows(principal.role, required)) {
      const operation = graphql.getInfo<{ fieldName: string }>().fieldName;
      throw new DomainError(
        ErrorCode.FORBIDDEN,
        `${operation} needs the ${required} role; the token "${principal.name}" has ${principal.role}.`,
        { requiredRole: required },
      );
    }
    request.principal = principal;
    return true;
  }
}
