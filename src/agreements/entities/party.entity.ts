import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DateTimeColumn } from '../../database/columns.js';
import type { ApprovalStatus } from '../../workflow/index.js';

@Entity('party')
export class PartyEntity {
  @PrimaryColumn('varchar', { length: 36 })
  agreementId: string;

  @PrimaryColumn('varchar', { length: 2 })
  code: string;

  /** The order in which the parties were given. */
  @Column('integer')
  position: number;

  @Column('varchar')
  name: string;

  @Column('varchar', { nullable: true })
  legislature: string | null;

  @Column('boolean')
  approvalRequired: boolean;

  @Column('varchar')
  approvalStatus: ApprovalStatus;

  @DateTimeColumn({ nullable: true })
  approvalUpdatedAt: Date | null;

  @Column('integer', { nullable: true })
  votesFor: number | null;

  @Column('integer', { nullable: true })
  votesAgainst: number | null;

  @Column('integer', { nullable: true })
  abstentions: number | null;
}
