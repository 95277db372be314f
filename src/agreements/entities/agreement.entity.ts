import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DateTimeColumn } from '../../database/columns.js';
import {
  availableActions,
  type AgreementKind,
  type AgreementStage,
  type WorkflowAction,
} from '../../workflow/index.js';
import type { PartyEntity } from './party.entity.js';

@Entity('agreement')
export class AgreementEntity {
  @PrimaryColumn('varchar', { length: 36 })
  id: string;

  @Column('varchar')
  title: string;

  @Column('varchar', { nullable: true })
  shortTitle: string | null;

  @Column('varchar')
  kind: AgreementKind;

  @Column('text', { nullable: true })
  summary: string | null;

  @Column('integer', { nullable: true })
  termYears: number | null;

  @Column('varchar', { nullable: true })
  predecessorId: string | null;

  @Column('varchar')
  stage: AgreementStage;

  @DateTimeColumn()
  stageEnteredAt: Date;

  @Column('integer')
  version: number;

  /** The sequence of its AGREEMENT_CREATED event: the order of the `agreements` list. */
  @Column('integer')
  createdSequence: number;

  /** Lower-cased title and short title, for a case-insensitive search on every database. */
  @Column('text')
  searchText: string;

  @DateTimeColumn()
  createdAt: Date;

  @DateTimeColumn()
  updatedAt: Date;

  /** Not a column: the service loads the parties with the agreement, in their given order. */
  parties: PartyEntity[];

  /** The workflow actions whose guard passes now (derived, never stored). */
  get availableActions(): WorkflowAction[] {
    return availableActions(this);
  }
}
