import { Inject, Injectable, Logger } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { Database } from '../database/database.service.js';
import { MIGRATIONS } from '../database/migrations/index.js';
import { EVENT_BUS, type EventBus } from '../events/event-bus.js';

/** How long a check may take before the instance is called not ready. */
export const READINESS_TIMEOUT_MS = 2000;

/**
 * What `/health/ready` checks (README, "Operating Ratify"): that the database answers, that it
 * has every migration this build knows, and that Redis answers where it is configured. A check
 * that fails says why in words; the error itself is logged, never sent (it may name a host).
 */
@Injectable()
export class Readiness {
  private readonly logger = new Logger(Readiness.name);

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly db: Database,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The checks, in the order they are reported. */
  checks(): (() => Promise<HealthIndicatorResult>)[] {
    return [
      () => this.database(),
      () => this.migrations(),
      ...(this.config.redisUrl ? [() => this.redis()] : []),
    ];
  }

  private async database(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check('database');
    try {
      await within(this.db.select('SELECT 1'), 'the database');
      return indicator.up();
    } catch (error) {
      this.logger.error('Readiness: the database does not answer', error);
      return indicator.down({ reason: 'the database does not answer' });
    }
  }

  private async migrations(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check('migrations');
    const known = MIGRATIONS[this.db.dialect].map((Migration) => new Migration().name);
    let applied: Set<string>;
    try {
      const rows = await within(
        this.db.select<{ name: string }>('SELECT "name" FROM "migrations"'),
        'the migrations table',
      );
      applied = new Set(rows.map((row) => row.name));
    } catch (error) {
      this.logger.error('Readiness: the migrations cannot be read', error);
      return indicator.down({ reason: 'the migrations cannot be read' });
    }
    const missing = known.filter((name) => !applied.has(name));
    return missing.length === 0
      ? indicator.up({ applied: known.length })
      : indicator.down({
          reason: `${missing.length} of ${known.length} migrations are not applied: ${missing.join(', ')}`,
        });
  }

  private async redis(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check('redis');
    try {
      await within(this.bus.ping(), 'Redis');
      return indicator.up();
    } catch (error) {
      this.logger.error('Readiness: Redis does not answer', error);
      return indicator.down({ reason: 'Redis does not answer' });
    }
  }
}

/** `work`, or a rejection once READINESS_TIMEOUT_MS have passed. */
function within<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not answer within ${READINESS_TIMEOUT_MS} ms`)),
      READINESS_TIMEOUT_MS,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
