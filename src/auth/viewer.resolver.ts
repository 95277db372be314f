import { Context, Field, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { RequestContexts, type RequestContext } from './request-context.js';
import { Role } from './role.js';

@ObjectType('Viewer', { description: 'Who the token of a request is.' })
export class ViewerModel {
  @Field({ description: 'The token’s name, recorded as the actor of what it writes.' })
  name: string;

  @Field(() => Role)
  role: Role;
}

@Resolver()
export class ViewerResolver {
  constructor(private readonly contexts: RequestContexts) {}

  /**
   * The token is checked like a write's (a failure counts against the address: RequestContexts),
   * but nothing is written and no role is needed: a reader learns only who its own token is.
   */
  @Query(() => ViewerModel, {
    nullable: true,
    description:
      'Who the token of this request is (its name and role), so that a client offers only what it may do; null without a token. A token the server does not know is UNAUTHENTICATED.',
  })
  async viewer(@Context() context: RequestContext): Promise<ViewerModel | null> {
    if (context.principal) {
      return { name: context.principal.name, role: context.principal.role };
    }
    const { authorization, clientAddress } = context;
    if (authorization === undefined || authorization === null || authorization === '') {
      return null;
    }
    const principal = await this.contexts.verify(authorization, clientAddress ?? 'unknown');
    return { name: principal.name, role: principal.role };
  }
}
