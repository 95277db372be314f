import { Module } from '@nestjs/common';
import { EVENT_BUS, InProcessEventBus } from './event-bus.js';
import { EventLog } from './event-log.service.js';
import { EventsResolver } from './events.resolver.js';
import { EventsService } from './events.service.js';

@Module({
  providers: [
    { provide: EVENT_BUS, useClass: InProcessEventBus },
    EventLog,
    EventsService,
    EventsResolver,
  ],
  exports: [EventLog, EventsService, EVENT_BUS],
})
export class EventsModule {}
