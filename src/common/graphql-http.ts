import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type HTTPGraphQLResponse } from '@apollo/server';
import type { ApolloDriver } from '@nestjs/apollo';
import { Logger, type INestApplication } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import type { Logger as PinoLogger } from 'pino';
import type { AppConfig } from '../config/config.js';
import { ROOT_LOGGER } from '../logging/logging.js';
import { requestLogger } from '../logging/request-log.js';
import { clientAddressResolver } from './client-address.js';
import { GRAPHQL_ACCESS, type GraphQLAccess } from './graphql-access.js';
import { GRAPHIQL_PATH, GRAPHQL_PATH } from './graphql-options.js';

const logger = new Logger('GraphQLHttp');

/** A request refused before GraphQL sees it: its HTTP status, code and message. */
class BodyRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The client closed the connection (or reset it) before its request was read. */
class ClientGone extends Error {}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * On every answer, GraphQL's and Express's: no content sniffing, no referrer, nothing to load and
 * no framing. A page (GraphiQL) replaces the policy with its own.
 */
const SECURITY_HEADERS: [string, string][] = [
  ['x-content-type-options', 'nosniff'],
  ['referrer-policy', 'no-referrer'],
  ['content-security-policy', "default-src 'none'; frame-ancestors 'none'"],
  ['x-frame-options', 'DENY'],
];

/**
 * Serves HTTP requests to /graphql from node:http straight into Apollo, the way
 * `@apollo/server`'s standalone server does, and hands every other request to Express.
 *
 * Express (its router, the request and response objects it rebuilds, `res.send` with its ETag)
 * cost as much per request as Apollo itself, for nothing /graphql needs: the body is read here,
 * within MAX_BODY_BYTES, and the client address is worked out with TRUST_PROXY as Express does
 * (`proxy-addr`, as for WebSockets). What Apollo enforces (methods, batching off) is unchanged,
 * and so is every GraphQL answer. A body refused here (too large, not JSON, not UTF-8,
 * compressed) is answered in GraphQL's error shape, with a code. A browser that opens /graphql
 * itself is sent to GraphiQL, where GraphiQL is on.
 * Only the exact path /graphql is GraphQL: Apollo is not mounted on Express (graphql-options.ts).
 *
 * Call once the application is initialised (Apollo started), before it listens.
 */
export function serveGraphQLOverHttp(app: INestApplication, config: AppConfig): void {
  const server = app.getHttpServer() as Server;
  const driver = app.get<GraphQLModule<ApolloDriver>>(GraphQLModule).graphQlAdapter;
  const apollo = driver.instance as ApolloServer<object>;
  const access = app.get<GraphQLAccess>(GRAPHQL_ACCESS);
  // Express is the listener Nest created the server with; others (Apollo's drain on shutdown,
  // which counts requests in flight) stay as they are.
  const express = app.getHttpAdapter().getInstance() as (...args: unknown[]) => void;
  if (!server.listeners('request').includes(express)) {
    throw new Error('The HTTP server does not hand its requests to Express');
  }
  server.removeListener('request', express);
  const logRequest = requestLogger(
    app.get<PinoLogger>(ROOT_LOGGER),
    clientAddressResolver(config.trustProxy),
  );
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    for (const [name, value] of SECURITY_HEADERS) {
      res.setHeader(name, value);
    }
    const [path, search] = splitUrl(req.url);
    logRequest(req, res, path);
    if (path !== GRAPHQL_PATH) {
      express(req, res);
      return;
    }
    // A person following a link to the API gets the IDE, where there is one.
    if (config.graphiql && isPageVisit(req, search)) {
      res.statusCode = 302;
      res.setHeader('location', GRAPHIQL_PATH);
      res.end();
      return;
    }
    handle(apollo, req, res, search, config.limits.maxBodyBytes, () =>
      access.forHttp(req, res),
    ).catch((error: unknown) => {
      if (error instanceof ClientGone) {
        logger.debug(`A client left before its request was read: ${error.message}`);
        return;
      }
      logger.error('Internal error answering /graphql', (error as Error)?.stack ?? error);
      if (!res.headersSent) {
        answer(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error. It has been logged.');
      } else {
        res.destroy();
      }
    });
  });
}

async function handle(
  apollo: ApolloServer<object>,
  req: IncomingMessage,
  res: ServerResponse,
  search: string,
  maxBodyBytes: number,
  context: () => Promise<object>,
): Promise<void> {
  let body: unknown;
  try {
    body = req.method === 'POST' ? await readJsonBody(req, maxBodyBytes) : undefined;
  } catch (error) {
    if (error instanceof BodyRefusal) {
      // The rest of a refused body is not read: the connection ends with this answer.
      res.setHeader('connection', 'close');
      answer(res, error.status, error.code, error.message);
      return;
    }
    throw error;
  }
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) {
      headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
  }
  const response = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: {
      method: req.method?.toUpperCase() ?? 'GET',
      headers,
      search,
      body,
    },
    context,
  });
  await send(res, response);
}

async function send(res: ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
  for (const [name, value] of response.headers) {
    res.setHeader(name, value);
  }
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) {
    res.write(chunk);
  }
  res.end();
}

/**
 * The parsed JSON body of a POST with `content-type: application/json`; undefined for any other
 * content type, which Apollo then refuses (and CSRF prevention needs to see).
 */
async function readJsonBody(req: IncomingMessage, maxBodyBytes: number): Promise<unknown> {
  const [mediaType, ...parameters] = (req.headers['content-type'] ?? '').split(';');
  if (mediaType.trim().toLowerCase() !== 'application/json') {
    req.resume();
    return undefined;
  }
  const charset = parameters
    .map((parameter) => /^\s*charset\s*=\s*"?([^"\s]+)"?\s*$/i.exec(parameter)?.[1])
    .find(Boolean);
  if (charset && charset.toLowerCase() !== 'utf-8') {
    throw new BodyRefusal(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `The request body must be UTF-8 JSON, not ${charset}.`,
    );
  }
  const encoding = req.headers['content-encoding'];
  if (encoding && encoding.toLowerCase() !== 'identity') {
    throw new BodyRefusal(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `The request body must not be compressed (content-encoding ${encoding}).`,
    );
  }
  const tooLarge = () =>
    new BodyRefusal(
      413,
      'PAYLOAD_TOO_LARGE',
      'The request body is larger than the server accepts (MAX_BODY_BYTES).',
    );
  if (Number(req.headers['content-length'] ?? 0) > maxBodyBytes) {
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    let size = 0;
    let settled = false;
    const settle = (error?: Error) => {
      if (!settled) {
        settled = true;
        if (error) reject(error);
        else resolve();
      }
    };
    req.on('data', (chunk: Buffer) => {
      if (settled) {
        return; // refused already: what still comes is dropped with the connection
      }
      size += chunk.length;
      if (size > maxBodyBytes) {
        settle(tooLarge());
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => settle());
    // The client went away (or reset the connection) before the whole body came: no one to answer.
    // (Built only then: 'close' comes after every request, and an Error's stack is not free.)
    req.on('error', (error) => settled || settle(new ClientGone(error.message)));
    req.on('close', () => settled || settle(new ClientGone('closed')));
  });
  let text: string;
  try {
    text = strictUtf8.decode(Buffer.concat(chunks));
  } catch {
    throw new BodyRefusal(400, 'BAD_REQUEST', 'The request body is not valid UTF-8.');
  }
  if (text.trim() === '') {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BodyRefusal(400, 'BAD_REQUEST', 'The request body is not valid JSON.');
  }
}

/** An error of the request itself, in GraphQL's response shape. */
function answer(res: ServerResponse, status: number, code: string, message: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}

/** A browser's GET with no operation: someone who followed a link to /graphql. */
function isPageVisit(req: IncomingMessage, search: string): boolean {
  return (
    req.method === 'GET' &&
    /\btext\/html\b/i.test(req.headers.accept ?? '') &&
    !new URLSearchParams(search).has('query')
  );
}

/** The path of a request's URL, and its query string (with its `?`, or empty). */
function splitUrl(url = '/'): [string, string] {
  const query = url.indexOf('?');
  return query === -1 ? [url, ''] : [url.slice(0, query), url.slice(query)];
}
