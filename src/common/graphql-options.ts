import type { Server } from 'node:http';
import { ApolloServer, type ApolloServerOptions, type BaseContext } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/config.js';
import { DateTime } from './date-time.scalar.js';
import { formatGraphQLError } from './graphql-errors.js';

export const GRAPHQL_PATH = '/graphql';
/** Where GraphiQL is served, where it is on (graphiql/graphiql.controller.ts). */
export const GRAPHIQL_PATH = '/graphiql';

/**
 * Nest's Apollo driver, without mounting Apollo on Express: GraphQL has one entry point,
 * /graphql, served by graphql-http.ts (HTTP) and graphql-ws-server.ts (WebSocket) alone.
 * Mounted, Express would also hand `/graphql/`, `/GraphQL` and `/graphql/anything` to Apollo,
 * past the body limits of graphql-http.ts.
 */
@Injectable()
export class UnmountedApolloDriver extends ApolloDriver {
  protected override async registerExpress(options: ApolloDriverConfig): Promise<void> {
    // Apollo's drain plugin: on stop, requests in flight are answered before the server closes.
    const drain = ApolloServerPluginDrainHttpServer({
      httpServer: this.httpAdapterHost.httpAdapter.getHttpServer() as Server,
    });
    const server = new ApolloServer({
      ...(options as ApolloServerOptions<BaseContext>),
      plugins: [...(options.plugins ?? []), drain],
    });
    await server.start();
    this.apolloServer = server;
  }
}

export function graphqlOptions(config: AppConfig): ApolloDriverConfig {
  const production = config.nodeEnv === 'production';
  return {
    driver: UnmountedApolloDriver,
    path: GRAPHQL_PATH,
    // Built in memory at start; the committed schema.gql is written by `npm run generate`.
    autoSchemaFile: true,
    sortSchema: true,
    // A `Date` field declared without a type is a DateTime too, never Nest's lenient one.
    buildSchemaOptions: { scalarsMap: [{ type: Date, scalar: DateTime }] },
    formatError: formatGraphQLError,
    autoTransformHttpErrors: false,
    includeStacktraceInErrorResponses: false,
    introspection: config.introspection,
    // In production, no "did you mean" hints that map the schema out for a stranger.
    hideSchemaDetailsFromClientErrors: production,
    // Off, so that clients at their defaults (urql, graphql-request, a browser following a link)
    // may send queries as GET. Cross-site request forgery needs credentials a browser attaches
    // by itself, and Ratify has none: it authenticates with a bearer token in a header, never a
    // cookie. A GET runs queries only (a mutation is 405), and a "simple" POST (text/plain, a
    // form) still has no JSON body to run (graphql-http.ts): SECURITY.md, "The GraphQL edge".
    csrfPrevention: false,
    allowBatchedHttpRequests: false,
    // Apollo's landing page loads its IDE from a CDN: off everywhere. GraphiQL is served from
    // this server at /graphiql instead (graphiql/graphiql.controller.ts).
    graphiql: false,
    // Ratify sets no cache hints; without this plugin Apollo would still wrap every field.
    plugins: [ApolloServerPluginCacheControlDisabled()],
  };
}
