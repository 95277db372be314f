import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Who may use GraphQL, as the edge (graphql-http.ts, graphql-ws-server.ts) asks it: the one
 * provider of auth/ behind GRAPHQL_ACCESS, so that the edge knows nothing of tokens or roles.
 * `Identity` is what a WebSocket keeps from its connection_init (a verified token's principal).
 */
export interface GraphQLAccess<Identity = unknown> {
  /**
   * The context of one HTTP operation. Throws (a GraphQLError with its HTTP status) to refuse a
   * request that may not read, before its query is parsed.
   */
  forHttp(req: IncomingMessage, res: ServerResponse): Promise<object>;
  /**
   * At connection_init: the identity to keep on the connection, or null for an anonymous one.
   * Throws a DomainError to refuse the connection (UNAUTHENTICATED, or RATE_LIMITED).
   */
  connect(
    connectionParams: Readonly<Record<string, unknown>> | undefined,
    clientAddress: string,
  ): Promise<Identity | null>;
  /** The context of one operation over an accepted WebSocket. */
  forWebSocket(
    connectionParams: Readonly<Record<string, unknown>> | undefined,
    identity: Identity | null,
    clientAddress: string,
  ): object;
  /** Of these identities of open connections, those no longer valid (a revoked token). */
  revoked(identities: readonly Identity[]): Promise<ReadonlySet<Identity>>;
}

export const GRAPHQL_ACCESS = Symbol('GRAPHQL_ACCESS');
