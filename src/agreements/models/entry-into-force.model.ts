import { Extensions, Field, Float, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { DateTime } from '../../common/date-time.scalar.js';
import { MAX_ITEMS } from '../../common/query-limits.js';
import { EntryIntoForceKind, ScheduledMoveKind } from '../../workflow/index.js';
import { MAX_PARTIES } from '../dto/party.input.js';

registerEnumType(EntryIntoForceKind, {
  name: 'EntryIntoForceKind',
  description:
    'MANUAL (an admin performs ENTER_INTO_FORCE), ALL_PARTIES, THRESHOLD (instruments, share, required parties) or FIXED_DATE.',
});
registerEnumType(ScheduledMoveKind, {
  name: 'ScheduledMoveKind',
  description: 'A move the server makes on its date.',
});

@ObjectType({ description: "The agreement's own entry-into-force clause." })
export class EntryIntoForceRule {
  @Field(() => EntryIntoForceKind)
  kind: EntryIntoForceKind;

  @Field(() => Int, { nullable: true })
  instruments: number | null;

  @Field(() => Float, { nullable: true })
  share: number | null;

  @Field(() => [String], { nullable: true })
  @Extensions({ [MAX_ITEMS]: MAX_PARTIES })
  requiredParties: string[] | null;

  @Field(() => Int, { nullable: true })
  daysAfter: number | null;

  @Field(() => Boolean, { nullable: true })
  monthStart: boolean | null;

  @Field(() => DateTime, { nullable: true })
  date: Date | null;

  @Field(() => Int, { nullable: true })
  laterDaysAfter: number | null;

  @Field(() => Boolean, { nullable: true })
  laterMonthStart: boolean | null;
}

@ObjectType({ description: 'Where the agreement stands against its entry-into-force clause.' })
export class EntryIntoForce {
  @Field(() => EntryIntoForceRule)
  rule: EntryIntoForceRule;

  @Field(() => Int, { description: 'Parties whose consent counts now.' })
  consents: number;

  @Field(() => Float, {
    nullable: true,
    description: 'The sum of their weights, when the rule has a share.',
  })
  share: number | null;

  @Field(() => [String], {
    description: 'Required parties (every party under ALL_PARTIES) that have not consented.',
  })
  @Extensions({ [MAX_ITEMS]: MAX_PARTIES })
  missingParties: string[];

  @Field(() => DateTime, {
    nullable: true,
    description: 'The day the condition was met (the consent that completed it).',
  })
  conditionMetAt: Date | null;

  @Field(() => DateTime, {
    nullable: true,
    description: 'The date of entry into force, once it is known.',
  })
  date: Date | null;
}

@ObjectType({ description: 'A move the server will make on its date, kept until then.' })
export class ScheduledMove {
  @Field(() => ScheduledMoveKind)
  kind: ScheduledMoveKind;

  @Field(() => String, { nullable: true, description: 'The party it concerns, if one.' })
  partyCode: string | null;

  @Field(() => DateTime)
  at: Date;
}
