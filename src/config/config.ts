import { isIP } from 'node:net';
import type { LogLevel } from '@nestjs/common';

/** The typed configuration, read once from the environment at start (docs/design.md §3). */
export interface AppConfig {
  readonly port: number;
  /** The address to listen on: 0.0.0.0 every interface (the default), 127.0.0.1 this machine. */
  readonly host: string;
  /**
   * How many connections the kernel holds for the server while it is busy (listen(2)'s backlog,
   * capped by the kernel's somaxconn): past it, new connections are dropped or reset.
   */
  readonly listenBacklog: number;
  readonly database: DatabaseConfig;
  /** Redis for pub/sub between instances; null: in-process pub/sub. */
  readonly redisUrl: string | null;
  /** The bootstrap ADMIN token; null when unset. */
  readonly adminToken: string | null;
  readonly seedDemo: boolean;
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly logLevels: LogLevel[];
  /** Queries and subscriptions need a token too. */
  readonly requireAuthForReads: boolean;
  /** Introspection of the schema; off in production unless asked for. */
  readonly introspection: boolean;
  /** The offline GraphiQL at /graphiql; off in production unless asked for. */
  readonly graphiql: boolean;
  /** Express's `trust proxy`: which proxies' X-Forwarded-For to believe for the client IP. */
  readonly trustProxy: boolean | number | string;
  /** Mutations per minute per token and per IP; 0 turns the limit off. */
  readonly rateLimitWritesPerMinute: number;
  readonly limits: RequestLimits;
  readonly webSocket: WebSocketLimits;
  /** Count SQL statements and show the count on /health (for the benchmarks). */
  readonly countSqlQueries: boolean;
  /** How many read answers to keep while the log has not moved; 0 turns the cache off. */
  readonly readCacheEntries: number;
  readonly webhooks: WebhookSettings;
  /** Prometheus metrics at /metrics; off with METRICS=false (the bench compares both ways). */
  readonly metrics: boolean;
  /** The bearer token /metrics asks for; null: /metrics is open, as scrapers expect. */
  readonly metricsToken: string | null;
}

/** How webhooks are delivered (README, "Webhooks"). */
export interface WebhookSettings {
  /** Private, loopback and link-local receivers allowed (for a receiver on the same network). */
  readonly allowPrivate: boolean;
  /** The deadline of one attempt: DNS, connection and answer. */
  readonly timeoutMs: number;
  /**
   * How long an instance holds the webhooks it delivers without renewing its claim: after a
   * crash, another instance takes them over within this time.
   */
  readonly leaseMs: number;
}

/** Bounds on one GraphQL request, enforced before any resolver runs. */
export interface RequestLimits {
  readonly maxDepth: number;
  /** Fields selected, each multiplied by the `first` (or list size) of the lists above it. */
  readonly maxCost: number;
  readonly maxAliases: number;
  readonly maxBodyBytes: number;
}

/** Bounds on WebSocket connections (their messages are bounded by `maxBodyBytes`). */
export interface WebSocketLimits {
  /** Operations open at once on one connection. */
  readonly maxSubscriptionsPerConnection: number;
  /** Open connections per client address; 0: no limit. */
  readonly maxConnectionsPerAddress: number;
  /** How often each connection is pinged; one that missed the last ping is dropped. */
  readonly pingIntervalMs: number;
}

export type DatabaseConfig =
  | {
      readonly type: 'sqlite';
      /** A file path, or ':memory:'. */
      readonly path: string;
    }
  | {
      readonly type: 'postgres';
      readonly url: string;
    };

export const APP_CONFIG = Symbol('APP_CONFIG');

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
const LOG_LEVEL_ALIASES: Record<string, LogLevel> = { info: 'log', trace: 'verbose' };
const NODE_ENVS = ['development', 'production', 'test'] as const;
const ADMIN_TOKEN_MIN_LENGTH = 16;

/** How a secret (ADMIN_TOKEN, METRICS_TOKEN) is read: long enough, and never printed, only its length. */
const SECRET = [
  (value: string): Parsed<string | null> =>
    value.length >= ADMIN_TOKEN_MIN_LENGTH && !/\s/.test(value)
      ? ok(value)
      : bad(`must be at least ${ADMIN_TOKEN_MIN_LENGTH} characters without spaces`),
  (value: string) => ` (${value.length} characters, not shown)`,
] as const;

type Env = Record<string, string | undefined>;

const integer =
  (min: number, max: number) =>
  (value: string): Parsed<number> =>
    /^\d{1,9}$/.test(value) && Number(value) >= min && Number(value) <= max
      ? ok(Number(value))
      : bad(`must be a whole number from ${min} to ${max}`);

const boolean = (value: string): Parsed<boolean> => {
  const lower = value.toLowerCase();
  if (['true', '1', 'yes'].includes(lower)) return ok(true);
  if (['false', '0', 'no'].includes(lower)) return ok(false);
  return bad('must be true or false');
};

/** `true`/`false`, a hop count, or addresses and subnets (and loopback, linklocal, uniquelocal). */
function parseTrustProxy(value: string): Parsed<boolean | number | string> {
  const flag = boolean(value);
  if ('value' in flag) return flag;
  if (/^\d{1,2}$/.test(value)) return ok(Number(value));
  const entries = value.split(',').map((entry) => entry.trim());
  const valid = entries.every(
    (entry) =>
      ['loopback', 'linklocal', 'uniquelocal'].includes(entry) ||
      /^(\d{1,3}(\.\d{1,3}){3}|[\da-f:]*:[\da-f:.]*)(\/\d{1,3})?$/i.test(entry),
  );
  return valid
    ? ok(entries.join(', '))
    : bad('must be true, false, a hop count, or addresses/subnets separated by commas');
}
type Parsed<T> = { value: T } | { problem: string };
const ok = <T>(value: T): Parsed<T> => ({ value });
const bad = (problem: string): { problem: string } => ({ problem });

/**
 * Reads and validates every variable, then throws one ConfigError naming each bad one, so that
 * a misconfigured server stops at start with the whole list rather than one problem at a time.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const read = <T>(
    name: string,
    fallback: T,
    parse: (value: string) => Parsed<T>,
    shown: (value: string) => string = (value) => `=${JSON.stringify(value)}`,
  ): T => {
    const raw = env[name]?.trim();
    if (!raw) {
      return fallback;
    }
    const parsed = parse(raw);
    if ('problem' in parsed) {
      problems.push(`${name}${shown(raw)}: ${parsed.problem}`);
      return fallback;
    }
    return parsed.value;
  };

  const port = read('PORT', 3000, integer(0, 65535));
  const host = read('HOST', '0.0.0.0', (value) =>
    isIP(value) ||
    /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(value)
      ? ok(value)
      : bad(
          'must be an IP address to listen on (0.0.0.0 every interface, 127.0.0.1 this machine only) or a host name',
        ),
  );
  // Node's default is 511: a reconnect storm of 1,000 clients a second overflowed it (issue 16).
  const listenBacklog = read('LISTEN_BACKLOG', 4096, integer(1, 1_000_000));
  const database = read<DatabaseConfig>(
    'DATABASE_URL',
    { type: 'sqlite', path: 'data/ratify.sqlite' },
    parseDatabaseUrl,
    withoutPassword,
  );
  // A secret is never printed, not even when it is refused: only its length.
  const adminToken = read<string | null>('ADMIN_TOKEN', null, ...SECRET);
  const nodeEnv = read<AppConfig['nodeEnv']>('NODE_ENV', 'development', (value) =>
    (NODE_ENVS as readonly string[]).includes(value)
      ? ok(value as AppConfig['nodeEnv'])
      : bad(`must be one of ${NODE_ENVS.join(', ')}`),
  );
  // A production server starts empty unless asked for the demo.
  const seedDemo = read('SEED_DEMO', nodeEnv !== 'production', boolean);
  const logLevel = read<LogLevel>('LOG_LEVEL', 'log', (value) => {
    const lower = value.toLowerCase();
    const level = LOG_LEVEL_ALIASES[lower] ?? (lower as LogLevel);
    return LOG_LEVELS.includes(level) ? ok(level) : bad(`must be one of ${LOG_LEVELS.join(', ')}`);
  });
  const requireAuthForReads = read('REQUIRE_AUTH_FOR_READS', false, boolean);
  const introspection = read('GRAPHQL_INTROSPECTION', nodeEnv !== 'production', boolean);
  // On by default where introspection is, outside production: it reads the schema that way.
  const graphiql = read('GRAPHIQL', introspection && nodeEnv !== 'production', boolean);
  if (graphiql && !introspection) {
    problems.push(
      'GRAPHIQL=true needs GRAPHQL_INTROSPECTION=true: GraphiQL reads the schema by introspection',
    );
  }
  const trustProxy = read<boolean | number | string>('TRUST_PROXY', false, parseTrustProxy);
  const rateLimitWritesPerMinute = read('RATE_LIMIT_WRITES_PER_MINUTE', 300, integer(0, 1_000_000));
  const limits: RequestLimits = {
    maxDepth: read('GRAPHQL_MAX_DEPTH', 12, integer(2, 100)),
    maxCost: read('GRAPHQL_MAX_COST', 100_000, integer(10, 10_000_000)),
    maxAliases: read('GRAPHQL_MAX_ALIASES', 30, integer(0, 1000)),
    maxBodyBytes: read('MAX_BODY_BYTES', 100_000, integer(1000, 100_000_000)),
  };
  const webSocket: WebSocketLimits = {
    maxSubscriptionsPerConnection: read(
      'MAX_SUBSCRIPTIONS_PER_CONNECTION',
      100,
      integer(1, 100_000),
    ),
    maxConnectionsPerAddress: read('MAX_CONNECTIONS_PER_ADDRESS', 500, integer(0, 10_000_000)),
    pingIntervalMs: read('WS_PING_INTERVAL_MS', 12_000, integer(100, 3_600_000)),
  };
  const countSqlQueries = read('COUNT_SQL_QUERIES', false, boolean);
  const readCacheEntries = read('READ_CACHE_ENTRIES', 1000, integer(0, 1_000_000));
  const webhooks: WebhookSettings = {
    allowPrivate: read('WEBHOOK_ALLOW_PRIVATE', false, boolean),
    timeoutMs: read('WEBHOOK_TIMEOUT_MS', 10_000, integer(100, 60_000)),
    leaseMs: read('WEBHOOK_LEASE_MS', 30_000, integer(1_000, 600_000)),
  };
  const metrics = read('METRICS', true, boolean);
  const metricsToken = read<string | null>('METRICS_TOKEN', null, ...SECRET);
  const redisUrl = read<string | null>(
    'REDIS_URL',
    null,
    (value) =>
      validUrl(value, ['redis:', 'rediss:'])
        ? ok(value)
        : bad('must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379'),
    withoutPassword,
  );

  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  return {
    port,
    host,
    listenBacklog,
    database,
    redisUrl,
    adminToken,
    metrics,
    metricsToken,
    seedDemo,
    nodeEnv,
    logLevels: LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(logLevel) + 1),
    requireAuthForReads,
    introspection,
    graphiql,
    trustProxy,
    rateLimitWritesPerMinute,
    limits,
    webSocket,
    countSqlQueries,
    readCacheEntries,
    webhooks,
  };
}

/**
 * A URL as a refusal shows it: its password replaced by `***`; a value that is not a URL, whose
 * parts cannot be told apart, by its length alone.
 */
function withoutPassword(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) {
      url.password = '***';
    }
    return `=${JSON.stringify(url.password ? url.toString() : value)}`;
  } catch {
    return value.includes('@')
      ? ` (${value.length} characters, not shown)`
      : `=${JSON.stringify(value)}`;
  }
}

function parseDatabaseUrl(value: string): Parsed<DatabaseConfig> {
  if (value.startsWith('sqlite:')) {
    const path = value.slice('sqlite:'.length);
    return path
      ? ok({ type: 'sqlite', path })
      : bad('needs a path after sqlite: (or sqlite::memory:)');
  }
  if (validUrl(value, ['postgres:', 'postgresql:'])) {
    return ok({ type: 'postgres', url: value });
  }
  return bad('must be sqlite:PATH, sqlite::memory: or postgres://USER@HOST:PORT/DATABASE');
}

function validUrl(value: string, protocols: string[]): boolean {
  try {
    const url = new URL(value);
    return protocols.includes(url.protocol) && url.hostname !== '';
  } catch {
    return false;
  }
}
