import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DateTimeColumn } from '../../database/columns.js';

/** A write sent with an idempotency key: what it asked, and the agreement it answered. */
@Entity('idempotency_key')
export class IdempotencyKeyEntity {
  @PrimaryColumn('varchar')
  actor: string;

  @PrimaryColumn('varchar')
  key: string;

  @Column('varchar')
  operation: string;

  /** SHA-256 of the request's input, to refuse the key's reuse for another request. */
  @Column('varchar')
  requestHash: string;

  /** The agreement as the first request returned it (JSON). */
  @Column('text')
  response: string;

  @DateTimeColumn()
  createdAt: Date;
}
