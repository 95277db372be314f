import { Controller, Get, HttpStatus, Inject, Logger, Req, Res } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import type { Request, Response } from 'express';
import { RequestContexts } from '../auth/request-context.js';
import { Database } from '../database/database.service.js';
import { SqlQueryCounter } from '../database/typeorm-logger.js';
import { EVENT_BUS, type EventBus } from '../events/event-bus.js';
import { Readiness } from './readiness.js';

@Controller('health')
export class HealthController {
  private readonly logger = new Logger(HealthController.name);

  constructor(
    private readonly db: Database,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    private readonly sql: SqlQueryCounter,
    private readonly contexts: RequestContexts,
    private readonly health: HealthCheckService,
    private readonly readiness: Readiness,
  ) {}

  /**
   * Whether this instance should be sent traffic (README, "Operating Ratify"): 200 when the
   * database answers with every migration applied and Redis answers where configured, 503 with
   * the reason otherwise. `/health` stays the cheap check that the process lives.
   */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check(this.readiness.checks());
  }

  /**
   * The database and the event bus, each on its own: 503 when the database does not answer;
   * 200 but `degraded` when Redis is away (queries and writes go on, and subscribers catch up
   * from the log when it is back). With the count of this instance's live subscriptions, and of
   * the SQL statements it sent when COUNT_SQL_QUERIES is on. With REQUIRE_AUTH_FOR_READS, a
   * request without a valid token gets the status alone, which is all a load balancer needs.
   */
  @Get()
  async check(@Req() request: Request, @Res({ passthrough: true }) response: Response) {
    const redis = this.bus.status();
    const subscriptions = this.bus.subscriberCount();
    let database: 'up' | 'down' = 'up';
    try {
      await this.db.select('SELECT 1');
    } catch (error) {
      this.logger.error('Health check: the database does not answer', error);
      database = 'down';
      response.status(HttpStatus.SERVICE_UNAVAILABLE);
    }
    const status = database === 'down' ? 'error' : redis === 'down' ? 'degraded' : 'ok';
    if (!(await this.contexts.mayRead(request))) {
      return { status };
    }
    const counted = this.sql.enabled ? { sqlQueries: this.sql.count } : {};
    return { status, database, redis, subscriptions, ...counted };
  }
}
