import { describe, expect, it } from '@jest/globals';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('defaults to port 3000, the embedded SQLite file and the demo data', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      host: '0.0.0.0',
      listenBacklog: 4096,
      database: { type: 'sqlite', path: 'data/ratify.sqlite' },
      redisUrl: null,
      adminToken: null,
      seedDemo: true,
      nodeEnv: 'development',
      logLevels: ['fatal', 'error', 'warn', 'log'],
      requireAuthForReads: false,
      introspection: true,
      graphiql: true,
      trustProxy: false,
      rateLimitWritesPerMinute: 300,
      limits: { maxDepth: 12, maxCost: 100000, maxAliases: 30, maxBodyBytes: 100000 },
      webSocket: {
        maxSubscriptionsPerConnection: 100,
        maxConnectionsPerAddress: 500,
        pingIntervalMs: 12000,
      },
      countSqlQueries: false,
      readCacheEntries: 1000,
      webhooks: { allowPrivate: false, timeoutMs: 10000, leaseMs: 30000 },
      metrics: true,
      metricsToken: null,
    });
  });

  it('turns introspection off in production unless asked for', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).introspection).toBe(false);
    expect(
      loadConfig({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' }).introspection,
    ).toBe(true);
  });

  it('serves GraphiQL where introspection is on, outside production, unless told otherwise', () => {
    expect(loadConfig({}).graphiql).toBe(true);
    expect(loadConfig({ GRAPHIQL: 'false' }).graphiql).toBe(false);
    expect(loadConfig({ GRAPHQL_INTROSPECTION: 'false' }).graphiql).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' }).graphiql).toBe(
      false,
    );
    expect(
      loadConfig({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true', GRAPHIQL: 'true' })
        .graphiql,
    ).toBe(true);
    expect(() => loadConfig({ NODE_ENV: 'production', GRAPHIQL: 'true' })).toThrow(
      'GRAPHIQL=true needs GRAPHQL_INTROSPECTION=true',
    );
  });

  it.each([
    ['true', true],
    ['2', 2],
    ['loopback, 10.0.0.0/8', 'loopback, 10.0.0.0/8'],
    ['::1, fd00::/8', '::1, fd00::/8'],
  ])('reads TRUST_PROXY=%s', (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it('reads every variable', () => {
    expect(
      loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        LISTEN_BACKLOG: '1024',
        DATABASE_URL: 'sqlite::memory:',
        ADMIN_TOKEN: 'a-long-enough-admin-token',
        SEED_DEMO: 'false',
        NODE_ENV: 'production',
        LOG_LEVEL: 'debug',
        REQUIRE_AUTH_FOR_READS: 'true',
        RATE_LIMIT_WRITES_PER_MINUTE: '0',
        GRAPHQL_MAX_DEPTH: '8',
        GRAPHQL_MAX_COST: '1000',
        GRAPHQL_MAX_ALIASES: '5',
        MAX_BODY_BYTES: '20000',
        COUNT_SQL_QUERIES: 'true',
        READ_CACHE_ENTRIES: '0',
        MAX_SUBSCRIPTIONS_PER_CONNECTION: '7',
        MAX_CONNECTIONS_PER_ADDRESS: '0',
        WS_PING_INTERVAL_MS: '500',
        WEBHOOK_ALLOW_PRIVATE: 'true',
        WEBHOOK_TIMEOUT_MS: '2500',
        WEBHOOK_LEASE_MS: '5000',
        METRICS: 'false',
        METRICS_TOKEN: 'a-long-enough-metrics-token',
      }),
    ).toEqual({
      port: 0,
      host: '127.0.0.1',
      listenBacklog: 1024,
      database: { type: 'sqlite', path: ':memory:' },
      redisUrl: null,
      adminToken: 'a-long-enough-admin-token',
      seedDemo: false,
      nodeEnv: 'production',
      logLevels: ['fatal', 'error', 'warn', 'log', 'debug'],
      requireAuthForReads: true,
      introspection: false,
      graphiql: false,
      trustProxy: false,
      rateLimitWritesPerMinute: 0,
      limits: { maxDepth: 8, maxCost: 1000, maxAliases: 5, maxBodyBytes: 20000 },
      webSocket: {
        maxSubscriptionsPerConnection: 7,
        maxConnectionsPerAddress: 0,
        pingIntervalMs: 500,
      },
      countSqlQueries: true,
      readCacheEntries: 0,
      webhooks: { allowPrivate: true, timeoutMs: 2500, leaseMs: 5000 },
      metrics: false,
      metricsToken: 'a-long-enough-metrics-token',
    });
  });

  it('names every bad variable at once', () => {
    const env = {
      PORT: '70000',
      LISTEN_BACKLOG: '0',
      DATABASE_URL: 'mysql://localhost/ratify',
      ADMIN_TOKEN: 'short',
      SEED_DEMO: 'maybe',
      NODE_ENV: 'staging',
      LOG_LEVEL: 'loud',
      REDIS_URL: 'http://127.0.0.1:6379',
      TRUST_PROXY: 'everyone',
      RATE_LIMIT_WRITES_PER_MINUTE: '-1',
      GRAPHQL_MAX_DEPTH: '1',
      MAX_SUBSCRIPTIONS_PER_CONNECTION: '0',
      WS_PING_INTERVAL_MS: '10',
      WEBHOOK_ALLOW_PRIVATE: 'sometimes',
      METRICS: 'perhaps',
      METRICS_TOKEN: 'short',
      WEBHOOK_TIMEOUT_MS: '0',
      WEBHOOK_LEASE_MS: '100',
    };
    expect(() => loadConfig(env)).toThrow(
      expect.objectContaining({
        problems: [
          'PORT="70000": must be a whole number from 0 to 65535',
          'LISTEN_BACKLOG="0": must be a whole number from 1 to 1000000',
          expect.stringMatching(/^DATABASE_URL=/),
          'ADMIN_TOKEN (5 characters, not shown): must be at least 16 characters without spaces',
          expect.stringMatching(/^NODE_ENV=/),
          expect.stringMatching(/^SEED_DEMO=/),
          expect.stringMatching(/^LOG_LEVEL=/),
          expect.stringMatching(/^TRUST_PROXY=/),
          expect.stringMatching(/^RATE_LIMIT_WRITES_PER_MINUTE=/),
          expect.stringMatching(/^GRAPHQL_MAX_DEPTH=/),
          expect.stringMatching(/^MAX_SUBSCRIPTIONS_PER_CONNECTION=/),
          expect.stringMatching(/^WS_PING_INTERVAL_MS=/),
          'WEBHOOK_ALLOW_PRIVATE="sometimes": must be true or false',
          'WEBHOOK_TIMEOUT_MS="0": must be a whole number from 100 to 60000',
          'WEBHOOK_LEASE_MS="100": must be a whole number from 1000 to 600000',
          'METRICS="perhaps": must be true or false',
          'METRICS_TOKEN (5 characters, not shown): must be at least 16 characters without spaces',
          expect.stringMatching(/^REDIS_URL=/),
        ],
      }),
    );
  });

  it('starts a production server without the demo data unless asked for', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).seedDemo).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', SEED_DEMO: 'true' }).seedDemo).toBe(true);
  });

  it('never prints a secret it refuses: the token by its length, a URL without its password', () => {
    const secret = 'hunter2-is-not-a-token';
    const attempt = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    const token = attempt({ ADMIN_TOKEN: `${secret} with spaces` });
    expect(token).toContain('ADMIN_TOKEN (34 characters, not shown): must be at least 16');
    expect(token).not.toContain('hunter2');
    const cases: Record<string, string>[] = [
      { DATABASE_URL: `mysql://ratify:${secret}@db.internal/ratify` },
      { REDIS_URL: `http://:${secret}@cache.internal:6379` },
      { DATABASE_URL: `postgres://ratify:${secret}@db internal/ratify` },
      { ADMIN_TOKEN: 'short', REDIS_URL: `ftp://u:${secret}@h` },
    ];
    for (const env of cases) {
      const message = attempt(env);
      expect(message).toMatch(/DATABASE_URL|REDIS_URL/);
      expect(message).not.toContain(secret);
    }
    expect(attempt({ DATABASE_URL: `mysql://ratify:${secret}@db.internal/ratify` })).toContain(
      'DATABASE_URL="mysql://ratify:***@db.internal/ratify"',
    );
  });

  it('listens where HOST says, refusing what is not an address', () => {
    expect(loadConfig({ HOST: '::1' }).host).toBe('::1');
    expect(loadConfig({ HOST: 'localhost' }).host).toBe('localhost');
    expect(() => loadConfig({ HOST: 'http://0.0.0.0' })).toThrow(
      /HOST="http:\/\/0.0.0.0": must be an IP address/,
    );
  });

  it('reads PostgreSQL and Redis URLs', () => {
    expect(
      loadConfig({
        DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/ratify',
        REDIS_URL: 'redis://127.0.0.1:6379',
      }),
    ).toMatchObject({
      database: { type: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/ratify' },
      redisUrl: 'redis://127.0.0.1:6379',
    });
    expect(() => loadConfig({ DATABASE_URL: 'postgres://' })).toThrow(/DATABASE_URL/);
  });
});
