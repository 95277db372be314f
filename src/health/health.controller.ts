import { Controller, Get, HttpStatus, Inject, Logger, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Database } from '../database/database.service.js';
import { EVENT_BUS, type EventBus } from '../events/event-bus.js';

@Controller('health')
export class HealthController {
  private readonly logger = new Logger(HealthController.name);

  constructor(
    private readonly db: Database,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
  ) {}

  /** 200 when the database answers, 503 when it does not; with the live subscription count. */
  @Get()
  async check(@Res({ passthrough: true }) response: Response) {
    const subscriptions = this.bus.subscriberCount();
    try {
      await this.db.read((em) => em.query('SELECT 1'));
      return { status: 'ok', database: 'up', subscriptions };
    } catch (error) {
      this.logger.error('Health check: the database does not answer', error);
      response.status(HttpStatus.SERVICE_UNAVAILABLE);
      return { status: 'error', database: 'down', subscriptions };
    }
  }
}
