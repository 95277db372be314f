import type { MigrationInterface, QueryRunner } from 'typeorm';
import { SQLITE_TYPES as TYPES } from '../shared/dialect-types.js';
import { addScheduledMoves, dropScheduledMoves } from '../shared/scheduled-moves.js';

/** Moves scheduled for their date: see `../shared/scheduled-moves.ts`. */
export class ScheduledMoves1764800000000 implements MigrationInterface {
  name = 'ScheduledMoves1764800000000';

  async up(db: QueryRunner): Promise<void> {
    await addScheduledMoves(db, TYPES);
  }

  async down(db: QueryRunner): Promise<void> {
    await dropScheduledMoves(db);
  }
}
