/**
 * The GraphQL API, as any client speaks to it: POST /graphql, with the token of this tab
 * (session.ts) when there is one. The app reads and writes through nothing else.
 */
import { token } from './session.js';

export const GRAPHQL_PATH = '/graphql';

/** An error as the API words it: its message, its code, and the rest of its extensions. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/**
 * Runs one operation, with the tab's token or `as` (null: none); the first error, if any, is
 * thrown as an ApiError.
 */
export async function graphql<T>(
  query: string,
  variables: Record<string, unknown> = {},
  as: string | null = token(),
): Promise<T> {
  const authorization = as;
  let response: Response;
  try {
    response = await fetch(GRAPHQL_PATH, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(authorization ? { authorization: `Bearer ${authorization}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new ApiError(
      'The server cannot be reached. Check the connection and try again.',
      'NETWORK',
    );
  }
  let body: GraphQLResponse<T>;
  try {
    body = (await response.json()) as GraphQLResponse<T>;
  } catch {
    throw new ApiError(`The server answered ${response.status} without GraphQL.`, 'NETWORK');
  }
  const [error] = body.errors ?? [];
  if (error) {
    const { code, ...rest } = error.extensions ?? {};
    throw new ApiError(error.message, typeof code === 'string' ? code : 'ERROR', rest);
  }
  if (!body.data) {
    throw new ApiError('The server answered without data.', 'ERROR');
  }
  return body.data;
}
