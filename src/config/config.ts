import type { LogLevel } from '@nestjs/common';

/** The typed configuration, read once from the environment at start (DESIGN.md §3). */
export interface AppConfig {
  readonly port: number;
  readonly database: DatabaseConfig;
  /** The bootstrap ADMIN token; null when unset. */
  readonly adminToken: string | null;
  readonly seedDemo: boolean;
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly logLevels: LogLevel[];
}

export interface DatabaseConfig {
  readonly type: 'sqlite';
  /** A file path, or ':memory:'. */
  readonly path: string;
}

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

type Env = Record<string, string | undefined>;
type Parsed<T> = { value: T } | { problem: string };
const ok = <T>(value: T): Parsed<T> => ({ value });
const bad = (problem: string): { problem: string } => ({ problem });

/**
 * Reads and validates every variable, then throws one ConfigError naming each bad one, so that
 * a misconfigured server stops at start with the whole list rather than one problem at a time.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const read = <T>(name: string, fallback: T, parse: (value: string) => Parsed<T>): T => {
    const raw = env[name]?.trim();
    if (!raw) {
      return fallback;
    }
    const parsed = parse(raw);
    if ('problem' in parsed) {
      problems.push(`${name}=${JSON.stringify(raw)}: ${parsed.problem}`);
      return fallback;
    }
    return parsed.value;
  };

  const port = read('PORT', 3000, (value) =>
    /^\d{1,5}$/.test(value) && Number(value) <= 65535
      ? ok(Number(value))
      : bad('must be a port number from 0 to 65535'),
  );
  const database = read<DatabaseConfig>(
    'DATABASE_URL',
    { type: 'sqlite', path: 'data/ratify.sqlite' },
    parseDatabaseUrl,
  );
  const adminToken = read<string | null>('ADMIN_TOKEN', null, (value) =>
    value.length >= ADMIN_TOKEN_MIN_LENGTH && !/\s/.test(value)
      ? ok(value)
      : bad(`must be at least ${ADMIN_TOKEN_MIN_LENGTH} characters without spaces`),
  );
  const seedDemo = read('SEED_DEMO', true, (value) => {
    const lower = value.toLowerCase();
    if (['true', '1', 'yes'].includes(lower)) return ok(true);
    if (['false', '0', 'no'].includes(lower)) return ok(false);
    return bad('must be true or false');
  });
  const nodeEnv = read<AppConfig['nodeEnv']>('NODE_ENV', 'development', (value) =>
    (NODE_ENVS as readonly string[]).includes(value)
      ? ok(value as AppConfig['nodeEnv'])
      : bad(`must be one of ${NODE_ENVS.join(', ')}`),
  );
  const logLevel = read<LogLevel>('LOG_LEVEL', 'log', (value) => {
    const lower = value.toLowerCase();
    const level = LOG_LEVEL_ALIASES[lower] ?? (lower as LogLevel);
    return LOG_LEVELS.includes(level) ? ok(level) : bad(`must be one of ${LOG_LEVELS.join(', ')}`);
  });
  read('REDIS_URL', null, () =>
    bad('Redis pub/sub is not available in this version yet; unset REDIS_URL'),
  );

  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  return {
    port,
    database,
    adminToken,
    seedDemo,
    nodeEnv,
    logLevels: LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(logLevel) + 1),
  };
}

function parseDatabaseUrl(value: string): Parsed<DatabaseConfig> {
  if (value.startsWith('sqlite:')) {
    const path = value.slice('sqlite:'.length);
    return path
      ? ok({ type: 'sqlite', path })
      : bad('needs a path after sqlite: (or sqlite::memory:)');
  }
  if (/^postgres(ql)?:\/\//.test(value)) {
    return bad('PostgreSQL is not available in this version yet; use sqlite:PATH');
  }
  return bad('must be sqlite:PATH or sqlite::memory:');
}
