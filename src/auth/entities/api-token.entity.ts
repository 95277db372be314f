import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DateTimeColumn } from '../../database/columns.js';
import type { Role } from '../role.js';

/** A named API token. Only the SHA-256 of the secret is stored; the secret is shown once. */
@Entity('api_token')
export class ApiTokenEntity {
  @PrimaryColumn('varchar', { length: 36 })
  id: string;

  @Column('varchar')
  name: string;

  @Column('varchar')
  role: Role;

  @Column('varchar')
  tokenHash: string;

  @DateTimeColumn()
  createdAt: Date;

  @DateTimeColumn({ nullable: true })
  lastUsedAt: Date | null;

  @DateTimeColumn({ nullable: true })
  revokedAt: Date | null;
}
