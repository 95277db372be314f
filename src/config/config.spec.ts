import { describe, expect, it } from '@jest/globals';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('defaults to port 3000, the embedded SQLite file and the demo data', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      database: { type: 'sqlite', path: 'data/ratify.sqlite' },
      adminToken: null,
      seedDemo: true,
      nodeEnv: 'development',
      logLevels: ['fatal', 'error', 'warn', 'log'],
    });
  });

  it('reads every variable', () => {
    expect(
      loadConfig({
        PORT: '0',
        DATABASE_URL: 'sqlite::memory:',
        ADMIN_TOKEN: 'a-long-enough-admin-token',
        SEED_DEMO: 'false',
        NODE_ENV: 'production',
        LOG_LEVEL: 'debug',
      }),
    ).toEqual({
      port: 0,
      database: { type: 'sqlite', path: ':memory:' },
      adminToken: 'a-long-enough-admin-token',
      seedDemo: false,
      nodeEnv: 'production',
      logLevels: ['fatal', 'error', 'warn', 'log', 'debug'],
    });
  });

  it('names every bad variable at once', () => {
    const env = {
      PORT: '70000',
      DATABASE_URL: 'mysql://localhost/ratify',
      ADMIN_TOKEN: 'short',
      SEED_DEMO: 'maybe',
      NODE_ENV: 'staging',
      LOG_LEVEL: 'loud',
      REDIS_URL: 'redis://127.0.0.1:6379',
    };
    expect(() => loadConfig(env)).toThrow(
      expect.objectContaining({
        problems: [
          'PORT="70000": must be a port number from 0 to 65535',
          expect.stringMatching(/^DATABASE_URL=/),
          expect.stringMatching(/^ADMIN_TOKEN=.*at least 16 characters/),
          expect.stringMatching(/^SEED_DEMO=/),
          expect.stringMatching(/^NODE_ENV=/),
          expect.stringMatching(/^LOG_LEVEL=/),
          expect.stringMatching(/^REDIS_URL=/),
        ],
      }),
    );
  });

  it('refuses a PostgreSQL URL with a message saying what works', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1/ratify' })).toThrow(
      /DATABASE_URL=.*PostgreSQL is not available in this version yet; use sqlite:PATH/,
    );
  });
});
