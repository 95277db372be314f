import type { MigrationInterface, QueryRunner } from 'typeorm';
import { addFeedIndexes, dropFeedIndexes } from '../shared/feed-indexes.js';

/** Indexes for the feeds: see `../shared/feed-indexes.ts`. */
export class FeedIndexes1764900000000 implements MigrationInterface {
  name = 'FeedIndexes1764900000000';

  async up(db: QueryRunner): Promise<void> {
    await addFeedIndexes(db);
  }

  async down(db: QueryRunner): Promise<void> {
    await dropFeedIndexes(db);
  }
}
