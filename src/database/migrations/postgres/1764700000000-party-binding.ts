import type { MigrationInterface, QueryRunner } from 'typeorm';
import { POSTGRES_TYPES as TYPES } from '../shared/dialect-types.js';
import { addPartyBinding, dropPartyBinding } from '../shared/party-binding.js';

/** Each party's path to being bound: see `../shared/party-binding.ts`. */
export class PartyBinding1764700000000 implements MigrationInterface {
  name = 'PartyBinding1764700000000';

  async up(db: QueryRunner): Promise<void> {
    await addPartyBinding(db, TYPES);
  }

  async down(db: QueryRunner): Promise<void> {
    await dropPartyBinding(db, TYPES);
  }
}
