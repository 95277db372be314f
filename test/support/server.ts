import type { INestApplication } from '@nestjs/common';
import type { GraphQLFormattedError } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import type { DestinationStream } from 'pino';
import WebSocket from 'ws';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createTestDatabase, type TestDatabase } from './databases.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface GraphQLResponse<T> {
  data?: T | null;
  errors?: GraphQLFormattedError[];
}

/**
 * A Ratify server booted in this process on a database of its own (SQLite, or PostgreSQL in the
 * `postgres` jest project), spoken to as a client.
 */
export class TestServer {
  private constructor(
    readonly app: INestApplication,
    readonly url: string,
    readonly database: TestDatabase,
    private readonly ownsDatabase: boolean,
  ) {}

  /**
   * Boots on `database` (a new one by default, dropped by dispose), listening on a free port.
   * Writes are not rate-limited unless `env` sets RATE_LIMIT_WRITES_PER_MINUTE; `env` overrides
   * any variable.
   */
  static async start(
    options: {
      database?: TestDatabase;
      seedDemo?: boolean;
      env?: Record<string, string>;
      /** Receives the log lines (JSON) instead of stdout. */
      logDestination?: DestinationStream;
    } = {},
  ): Promise<TestServer> {
    const database = options.database ?? (await createTestDatabase());
    const config = loadConfig({
      DATABASE_URL: database.url,
      ADMIN_TOKEN,
      SEED_DEMO: String(options.seedDemo ?? true),
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'fatal',
      RATE_LIMIT_WRITES_PER_MINUTE: '0',
      ...options.env,
    });
    const app = await createApp(config, { logDestination: options.logDestination });
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as { port: number };
    return new TestServer(app, `http://127.0.0.1:${address.port}`, database, !options.database);
  }

  /** POSTs one GraphQL operation; `token` null sends no Authorization header. */
  async gql<T = any>(
    query: string,
    variables: Record<string, unknown> = {},
    token: string | null = ADMIN_TOKEN,
  ): Promise<GraphQLResponse<T>> {
    const response = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResponse<T>;
  }

  /** Like gql, but fails the test on any error and returns the data. */
  async ok<T = any>(
    query: string,
    variables: Record<string, unknown> = {},
    token: string | null = ADMIN_TOKEN,
  ): Promise<T> {
    const result = await this.gql<T>(query, variables, token);
    if (result.errors?.length || !result.data) {
      throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
    }
    return result.data;
  }

  async health(): Promise<{ status: string; subscriptions: number }> {
    const response = await fetch(`${this.url}/health`);
    return (await response.json()) as { status: string; subscriptions: number };
  }

  /** Opens a graphql-ws subscription and waits until the server listens for its events. */
  async subscribe<T = any>(
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<Subscriber<T>> {
    const before = (await this.health()).subscriptions;
    const subscriber = this.overWebSocket<T>(query, variables);
    await waitUntil(async () => (await this.health()).subscriptions > before || subscriber.failed);
    return subscriber;
  }

  /** Sends any operation over graphql-ws, with `connectionParams` for the connection. */
  overWebSocket<T = any>(
    query: string,
    variables: Record<string, unknown> = {},
    connectionParams?: Record<string, unknown>,
  ): Subscriber<T> {
    return new Subscriber<T>(
      this.url.replace('http', 'ws') + '/graphql',
      query,
      variables,
      connectionParams,
    );
  }

  async close(): Promise<void> {
    await this.app.close();
  }

  /** Closes the server and drops its database, if it made it. */
  async dispose(): Promise<void> {
    await this.close();
    if (this.ownsDatabase) {
      await this.database.drop();
    }
  }
}

/** One subscription over graphql-ws: what it received, in order. */
export class Subscriber<T> {
  readonly received: T[] = [];
  readonly errors: unknown[] = [];
  completed = false;
  private readonly client: Client;
  private readonly dispose: () => void;

  constructor(
    url: string,
    query: string,
    variables: Record<string, unknown>,
    connectionParams?: Record<string, unknown>,
  ) {
    this.client = createClient({
      url,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      // The sink below records errors; graphql-ws would also print them.
      onNonLazyError: () => undefined,
      connectionParams,
    });
    this.dispose = this.client.subscribe<T>(
      { query, variables },
      {
        next: (message) => {
          if (message.errors) {
            this.errors.push(...message.errors);
          } else {
            this.received.push(message.data as T);
          }
        },
        // graphql-ws hands the errors of an `error` message over as an array.
        error: (error) => this.errors.push(...(Array.isArray(error) ? error : [error])),
        complete: () => (this.completed = true),
      },
    );
  }

  get failed(): boolean {
    return this.errors.length > 0 || this.completed;
  }

  /** Waits until `count` results have arrived, and returns them. */
  async take(count: number, timeoutMs = 5000): Promise<T[]> {
    await waitUntil(() => this.received.length >= count || this.failed, timeoutMs);
    if (this.errors.length) {
      throw new Error(`Subscription failed: ${JSON.stringify(this.errors)}`);
    }
    return this.received.slice(0, count);
  }

  /** Waits until the subscription ends with an error, and returns the errors. */
  async failure(timeoutMs = 5000): Promise<unknown[]> {
    await waitUntil(() => this.failed, timeoutMs);
    return this.errors;
  }

  async close(): Promise<void> {
    this.dispose();
    await this.client.dispose();
  }
}

export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`Condition not met within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
