import { Catch, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { GqlContextType } from '@nestjs/graphql';

/**
 * Hands every error of a GraphQL operation to Apollo untouched, so that formatGraphQLError is the
 * one place that maps and logs it (Nest would otherwise log each refused request as an error).
 * Other routes keep Nest's handling.
 */
@Catch()
export class GraphQLExceptionFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<GqlContextType>() === 'graphql') {
      return exception;
    }
    return super.catch(exception, host);
  }
}
