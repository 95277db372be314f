import { randomUUID } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Facts about this database as a whole: its `cluster_id`, shared by every instance that uses it
 * (it names their Redis channel, so that instances of another database never mix in).
 */
export class ClusterId1764600000000 implements MigrationInterface {
  name = 'ClusterId1764600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE TABLE "ratify_meta" ("key" varchar PRIMARY KEY NOT NULL, "value" varchar NOT NULL)`,
    );
    await db.query(`INSERT INTO "ratify_meta" ("key", "value") VALUES ('cluster_id', $1)`, [
      randomUUID(),
    ]);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE "ratify_meta"`);
  }
}
