import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ApolloServerPlugin, GraphQLServerListener } from '@apollo/server';
import { Plugin } from '@nestjs/apollo';
import { Inject, Logger } from '@nestjs/common';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import {
  execute,
  GraphQLError,
  Kind,
  OperationTypeNode,
  type ExecutionArgs,
  type ExecutionResult,
  type OperationDefinitionNode,
} from 'graphql';
import type { Logger as PinoLogger } from 'pino';
import { ROOT_LOGGER } from '../logging/logging.js';
import { Metrics } from '../metrics/metrics.js';
import { CloseCode, handleProtocols, makeServer, type ServerOptions } from 'graphql-ws';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { APP_CONFIG, type AppConfig, type RequestLimits } from '../config/config.js';
import { clientAddressResolver } from './client-address.js';
import { DomainError, ErrorCode } from './domain-error.js';
import { GRAPHQL_ACCESS, type GraphQLAccess } from './graphql-access.js';
import { errorCode, formatExecutionResult, formatGraphQLError } from './graphql-errors.js';
import { GRAPHQL_PATH } from './graphql-options.js';
import { limitRefusal, measureOperation } from './query-limits.js';
import { subscribeSharingResults } from './shared-subscription-results.js';

/** One open WebSocket, as graphql-ws keeps it in `ctx.extra`. */
interface Connection {
  readonly socket: WebSocket;
  readonly clientAddress: string;
  /** Who it authenticated as at connection_init (null: anonymous). */
  identity: unknown;
  /** It answered the last ping (or has not been pinged yet). */
  alive: boolean;
  /** For its log lines: an id of its own, when it opened, and its open subscriptions. */
  readonly id: string;
  readonly openedAt: number;
  readonly subscriptions: Map<string, { operation: string | null; startedAt: number }>;
}

/** How often the tokens of open connections are checked for revocation. */
const REVOCATION_CHECK_MS = 2000;
/** How long a shutdown waits for clients to answer the close before dropping them. */
const CLOSE_GRACE_MS = 1000;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * GraphQL over WebSocket (graphql-ws's `graphql-transport-ws` protocol) on the HTTP server's
 * upgrade requests: the one place where a socket is accepted, bounded and closed.
 *
 * - Every upgrade request is answered: on /graphql a WebSocket, anywhere else an HTTP error with
 *   the socket destroyed, so that no half-open socket is left behind.
 * - A message is at most MAX_BODY_BYTES, refused by `ws` from its frame header before it is read
 *   (close 1009); a binary message must be UTF-8 like a text one.
 * - At most MAX_CONNECTIONS_PER_ADDRESS sockets per client address (through TRUST_PROXY, 429),
 *   and MAX_SUBSCRIPTIONS_PER_CONNECTION operations at once per socket (QUERY_TOO_COMPLEX).
 * - Every WS_PING_INTERVAL_MS each socket is pinged, and one that did not answer the last ping
 *   is dropped. One timer serves every socket.
 * - The token given at connection_init is checked through GRAPHQL_ACCESS (4403 when refused,
 *   4429 after too many failures), and again every few seconds while the socket is open: a
 *   revoked token's sockets are closed with 4403, and their subscriptions end.
 * - The same limits and error mapping as over HTTP; a client's protocol errors and resets are
 *   logged as such, never as internal errors.
 * - On shutdown (Apollo's drain) every socket is closed with 1001 "Going away".
 *
 * Nest's own graphql-ws integration does none of the first five; Ratify does not use it.
 */
@Plugin()
export class GraphQLWebSocketServer implements ApolloServerPlugin {
  private readonly logger = new Logger('GraphQLWebSocket');
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<Connection>();
  private readonly perAddress = new Map<string, number>();
  private readonly clientAddress: (request: IncomingMessage) => string;
  private readonly timers: NodeJS.Timeout[] = [];
  private checkingRevocations = false;
  private closing = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(GRAPHQL_ACCESS) private readonly access: GraphQLAccess,
    private readonly schemaHost: GraphQLSchemaHost,
    private readonly metrics: Metrics,
    @Inject(ROOT_LOGGER) private readonly log: PinoLogger,
  ) {
    this.clientAddress = clientAddressResolver(config.trustProxy);
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      maxPayload: config.limits.maxBodyBytes,
      perMessageDeflate: false,
      handleProtocols,
    });
  }

  /** Takes every upgrade request of `server`. Call once, when the application is initialised. */
  listen(server: Server): void {
    const graphql = makeServer(this.options());
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.upgrade(graphql, request, socket, head),
    );
    this.timers.push(
      setInterval(() => this.ping(), this.config.webSocket.pingIntervalMs).unref(),
      setInterval(() => void this.closeRevoked(), REVOCATION_CHECK_MS).unref(),
    );
  }

  /** How many WebSockets are open (for the metrics). */
  connectionCount(): number {
    return this.connections.size;
  }

  serverWillStart(): Promise<GraphQLServerListener> {
    return Promise.resolve({ drainServer: () => this.close() });
  }

  private upgrade(
    graphql: ReturnType<typeof makeServer<Record<string, unknown>, Connection>>,
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
  ): void {
    socket.on('error', (error: Error) => this.clientGone('An upgrading socket', error));
    const path = (request.url ?? '/').split('?')[0];
    if (path !== GRAPHQL_PATH) {
      refuse(socket, 404, `WebSocket connections are served at ${GRAPHQL_PATH} only.`);
      return;
    }
    if (this.closing) {
      refuse(socket, 503, 'The server is shutting down: connect to another instance.');
      return;
    }
    const clientAddress = this.clientAddress(request);
    const max = this.config.webSocket.maxConnectionsPerAddress;
    if (max > 0 && (this.perAddress.get(clientAddress) ?? 0) >= max) {
      refuse(
        socket,
        429,
        `Too many WebSocket connections from this address: at most ${max} (MAX_CONNECTIONS_PER_ADDRESS).`,
      );
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => this.opened(graphql, ws, clientAddress));
  }

  private opened(
    graphql: ReturnType<typeof makeServer<Record<string, unknown>, Connection>>,
    socket: WebSocket,
    clientAddress: string,
  ): void {
    const connection: Connection = {
      socket,
      clientAddress,
      identity: null,
      alive: true,
      id: randomUUID(),
      openedAt: performance.now(),
      subscriptions: new Map(),
    };
    this.log.info({ connectionId: connection.id, clientAddress }, 'websocket opened');
    this.connections.add(connection);
    this.perAddress.set(clientAddress, (this.perAddress.get(clientAddress) ?? 0) + 1);
    socket.on('pong', () => (connection.alive = true));
    // A message too large, not UTF-8, or a broken frame: `ws` closes the socket with the code
    // that says so (1009, 1007, 1002); this is the client's doing, not the server's.
    socket.on('error', (error: Error) =>
      this.clientGone(`A WebSocket from ${clientAddress}`, error),
    );
    const closed = graphql.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== socket.OPEN) {
              resolve();
              return;
            }
            // The callback comes once the data is handed to the system: a subscription sends its
            // next event only then, so a client that stops reading holds up its own feed (which
            // then reads from the log) rather than filling the server's memory.
            socket.send(data, (error) =>
              error && socket.readyState === socket.OPEN ? reject(error) : resolve(),
            );
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (receive) =>
          socket.on('message', (data: RawData, isBinary: boolean) => {
            const text = decode(data, isBinary);
            if (text === null) {
              socket.close(CloseCode.BadRequest, 'Messages must be UTF-8 text');
              return;
            }
            receive(text).catch((error: unknown) => {
              // graphql-ws throws this for a message of the protocol a client may not send.
              if (
                error instanceof Error &&
                error.message.startsWith('Unexpected message of type')
              ) {
                socket.close(CloseCode.BadRequest, 'Unexpected message');
                return;
              }
              this.logger.error(
                'Internal error handling a WebSocket message',
                error instanceof Error ? error.stack : error,
              );
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            });
          }),
      },
      connection,
    );
    socket.once('close', (code: number, reason: Buffer) => {
      this.connections.delete(connection);
      this.log.info(
        {
          connectionId: connection.id,
          code,
          durationMs: Math.round(performance.now() - connection.openedAt),
        },
        'websocket closed',
      );
      const left = (this.perAddress.get(clientAddress) ?? 1) - 1;
      if (left > 0) {
        this.perAddress.set(clientAddress, left);
      } else {
        this.perAddress.delete(clientAddress);
      }
      closed(code, reason.toString()).catch((error: unknown) =>
        this.logger.error(
          'Internal error ending the operations of a WebSocket',
          error instanceof Error ? error.stack : error,
        ),
      );
    });
  }

  private options(): ServerOptions<Record<string, unknown>, Connection> {
    const { limits, introspection } = this.config;
    const maxSubscriptions = this.config.webSocket.maxSubscriptionsPerConnection;
    return {
      schema: this.schemaHost.schema,
      onConnect: async ({ connectionParams, extra: connection }) => {
        try {
          connection.identity = await this.access.connect(
            connectionParams,
            connection.clientAddress,
          );
          return true;
        } catch (error) {
          if (error instanceof DomainError && error.code === ErrorCode.RATE_LIMITED) {
            connection.socket.close(
              CloseCode.TooManyInitialisationRequests,
              `Too many failed authentications; retry in ${String(error.details.retryAfter)} s`,
            );
          } else if (!(error instanceof DomainError)) {
            throw error;
          }
          return false; // graphql-ws closes with 4403 Forbidden, unless closed already
        }
      },
      context: ({ connectionParams, extra: connection }) =>
        this.access.forWebSocket(connectionParams, connection.identity, connection.clientAddress),
      onSubscribe: ({ subscriptions }) => {
        // This operation is counted already.
        const open = Object.keys(subscriptions).length;
        if (open <= maxSubscriptions) {
          return undefined;
        }
        const refusal = new DomainError(
          ErrorCode.QUERY_TOO_COMPLEX,
          `This connection has ${maxSubscriptions} operations open already, the server's limit (MAX_SUBSCRIPTIONS_PER_CONNECTION). Complete one, or open another connection.`,
          { limit: 'subscriptions', value: open, max: maxSubscriptions },
        );
        return [new GraphQLError(refusal.message, { originalError: refusal })];
      },
      execute: (args: ExecutionArgs) =>
        this.counted(args, () => overLimits(args, limits, introspection) ?? execute(args)),
      subscribe: (args: ExecutionArgs) =>
        this.counted(
          args,
          () => overLimits(args, limits, introspection) ?? subscribeSharingResults(args),
        ),
      onOperation: ({ extra: connection }, id, payload, args) => {
        const operation = operationOf(args);
        if (operation?.operation === OperationTypeNode.SUBSCRIPTION) {
          const name = payload.operationName?.slice(0, 100) ?? operation.name?.value ?? null;
          connection.subscriptions.set(id, { operation: name, startedAt: performance.now() });
          this.log.info(
            { connectionId: connection.id, subscriptionId: id.slice(0, 100), operation: name },
            'subscription started',
          );
        }
        return undefined;
      },
      onComplete: ({ extra: connection }, id) => {
        const subscription = connection.subscriptions.get(id);
        if (subscription) {
          connection.subscriptions.delete(id);
          this.log.info(
            {
              connectionId: connection.id,
              subscriptionId: id.slice(0, 100),
              operation: subscription.operation,
              durationMs: Math.round(performance.now() - subscription.startedAt),
            },
            'subscription ended',
          );
        }
      },
      onNext: (_ctx, _id, _payload, _args, result) => formatExecutionResult(result),
      // Request errors (validation, the limits above), which graphql-ws sends without a code.
      onError: (_ctx, _id, payload, errors) => {
        const formatted = errors.map((error) =>
          formatGraphQLError(error.toJSON(), error, 'GRAPHQL_VALIDATION_FAILED'),
        );
        this.metrics.operation(
          payload.operationName,
          'unknown',
          'websocket',
          errors.length > 0 ? errorCode(errors[0], 'GRAPHQL_VALIDATION_FAILED') : 'OK',
        );
        return formatted;
      },
    };
  }

  /**
   * Runs an operation of a WebSocket and counts its answer (README, "Operating Ratify"): a
   * query or mutation once answered, with its time; a subscription once it has started.
   */
  private counted<T extends ExecutionResult | AsyncIterable<unknown>>(
    args: ExecutionArgs,
    run: () => T | Promise<T>,
  ): T | Promise<T> {
    const started = performance.now();
    const operation = operationOf(args);
    const count = (result: T) => {
      const errors = Symbol.asyncIterator in result ? undefined : result.errors;
      this.metrics.operation(
        operation?.name?.value,
        operation?.operation ?? 'unknown',
        'websocket',
        errors?.length ? errorCode(errors[0]) : 'OK',
        (performance.now() - started) / 1000,
      );
      return result;
    };
    const result = run();
    return result instanceof Promise ? result.then(count) : count(result);
  }

  /** Drops the sockets that did not answer the last ping, and pings the others. */
  private ping(): void {
    for (const connection of this.connections) {
      if (!connection.alive) {
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }

  /** Closes the sockets whose token was revoked since they authenticated. */
  private async closeRevoked(): Promise<void> {
    const identified = [...this.connections].filter((connection) => connection.identity !== null);
    if (identified.length === 0 || this.checkingRevocations) {
      return;
    }
    this.checkingRevocations = true;
    try {
      const revoked = await this.access.revoked([
        ...new Set(identified.map((connection) => connection.identity)),
      ]);
      for (const connection of identified) {
        if (revoked.has(connection.identity)) {
          connection.socket.close(CloseCode.Forbidden, 'Forbidden: the token was revoked');
        }
      }
    } catch (error) {
      this.logger.warn(
        `Checking the tokens of open WebSockets failed: ${(error as Error).message}`,
      );
    } finally {
      this.checkingRevocations = false;
    }
  }

  /** Closes every socket with 1001, and drops those that do not answer within CLOSE_GRACE_MS. */
  private async close(): Promise<void> {
    this.closing = true;
    this.timers.forEach(clearInterval);
    const open = [...this.connections];
    for (const { socket } of open) {
      socket.close(1001, 'Going away');
    }
    const deadline = Date.now() + CLOSE_GRACE_MS;
    while (this.connections.size > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    for (const { socket } of this.connections) {
      socket.terminate();
    }
  }

  /** A client that left or broke the protocol: worth a line when debugging, never a stack. */
  private clientGone(what: string, error: Error): void {
    this.logger.debug(`${what} failed: ${error.message}`);
  }
}

/** The refusal of an operation over the limits, as an execution result, or null. */
function overLimits(
  args: ExecutionArgs,
  limits: RequestLimits,
  introspection: boolean,
): ExecutionResult | null {
  const size = measureOperation(
    args.schema,
    args.document,
    args.operationName,
    args.variableValues ?? {},
    { introspection },
  );
  const refusal = limitRefusal(size, limits);
  return refusal
    ? { errors: [new GraphQLError(refusal.message, { originalError: refusal })] }
    : null;
}

/** A message's text, or null when a binary message is not UTF-8 (`ws` checks text messages). */
function decode(data: RawData, isBinary: boolean): string | null {
  const bytes = Buffer.isBuffer(data)
    ? data
    : Array.isArray(data)
      ? Buffer.concat(data)
      : Buffer.from(data);
  if (!isBinary) {
    return bytes.toString('utf8');
  }
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

/** Answers an upgrade request that is not taken with an HTTP error, and closes its socket. */
function refuse(socket: Duplex, status: number, message: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(message)}\r\n` +
      '\r\n' +
      message,
  );
}

/** The operation of a request that `args` will run. */
function operationOf(args: ExecutionArgs): OperationDefinitionNode | undefined {
  return args.document.definitions.find(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION &&
      (!args.operationName || definition.name?.value === args.operationName),
  );
}
