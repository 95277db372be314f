import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { Database } from '../database/database.service.js';
import { EVENT_BUS, InProcessEventBus, type EventBus } from './event-bus.js';
import { EventLog } from './event-log.service.js';
import { EventsResolver } from './events.resolver.js';
import { EventsService } from './events.service.js';
import { ReadCachePlugin } from './read-cache.plugin.js';
import { RedisEventBus } from './redis-event-bus.js';

@Module({
  providers: [
    {
      provide: EVENT_BUS,
      inject: [APP_CONFIG, Database],
      // In-process unless REDIS_URL names a Redis to share events with other instances.
      useFactory: (config: AppConfig, db: Database): EventBus =>
        config.redisUrl ? new RedisEventBus(config.redisUrl, db) : new InProcessEventBus(),
    },
    EventLog,
    EventsService,
    EventsResolver,
    ReadCachePlugin,
  ],
  exports: [EventLog, EventsService, EVENT_BUS],
})
export class EventsModule {}
