import type { MigrationInterface, QueryRunner } from 'typeorm';
import { SQLITE_TYPES as TYPES } from '../shared/dialect-types.js';
import { addWebhooks, dropWebhooks } from '../shared/webhooks.js';

/** Webhooks and their deliveries: see `../shared/webhooks.ts`. */
export class Webhooks1765000000000 implements MigrationInterface {
  name = 'Webhooks1765000000000';

  async up(db: QueryRunner): Promise<void> {
    await addWebhooks(db, TYPES);
  }

  async down(db: QueryRunner): Promise<void> {
    await dropWebhooks(db);
  }
}
