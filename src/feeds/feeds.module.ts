import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { FeedsController } from './feeds.controller.js';

@Module({
  imports: [EventsModule],
  controllers: [FeedsController],
})
export class FeedsModule {}
