import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsBoolean,
  IsEnum,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { MAX_PAGE_SIZE } from '../../common/pagination.js';
import { IsPartyCode, IsPlainText, Trim, UpperCase } from '../../common/validation.js';
import { AgreementEventType } from '../../events/entities/agreement-event.entity.js';
import { MAX_URL_LENGTH } from '../webhook-url.js';

const EVENT_TYPE_COUNT = Object.keys(AgreementEventType).length;

/** What a webhook receives, and where: shared by create and update. */
@InputType({ isAbstract: true })
abstract class WebhookFields {
  @Field(() => String, {
    nullable: true,
    description: 'Shown to admins only, e.g. "Newsroom Slack bot".',
  })
  @Trim()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  @IsPlainText()
  description?: string | null;

  @Field(() => [AgreementEventType], {
    nullable: true,
    description: 'Only events of these types; null or absent: every type.',
  })
  @IsOptional()
  @ArrayMinSize(1, { message: 'eventTypes must name at least one type, or be left out for all' })
  @ArrayMaxSize(EVENT_TYPE_COUNT)
  @ArrayUnique({ message: 'eventTypes must name each type once' })
  @IsEnum(AgreementEventType, { each: true })
  eventTypes?: AgreementEventType[] | null;

  @Field(() => ID, { nullable: true, description: 'Only the events of this agreement.' })
  @IsOptional()
  @IsUUID()
  agreementId?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Only the events about this party (ISO 3166-1 alpha-2), in any agreement.',
  })
  @UpperCase()
  @IsOptional()
  @IsPartyCode()
  partyCode?: string | null;
}

@InputType()
export class CreateWebhookInput extends WebhookFields {
  @Field({
    description:
      'Where events are POSTed: http or https, a public address unless WEBHOOK_ALLOW_PRIVATE=true.',
  })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_URL_LENGTH)
  @IsPlainText()
  url: string;
}

@InputType()
export class UpdateWebhookInput extends WebhookFields {
  @Field(() => ID)
  @IsUUID()
  id: string;

  @Field(() => String, { nullable: true, description: 'A new URL; absent: unchanged.' })
  @Trim()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_URL_LENGTH)
  @IsPlainText()
  url?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'false stops deliveries; true resumes a disabled webhook from the first event it did not deliver.',
  })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean | null;
}

@ArgsType()
export class WebhookIdArgs {
  @Field(() => ID)
  @IsUUID()
  id: string;
}

@ArgsType()
export class RedeliverArgs {
  @Field(() => ID)
  @IsUUID()
  webhookId: string;

  @Field(() => Int, { description: 'The `sequence` of the event to send again.' })
  @IsInt()
  @Min(1)
  sequence: number;
}

@ArgsType()
export class DeliveriesArgs {
  @Field(() => Int, {
    defaultValue: 20,
    description: `How many of the newest attempts, at most ${MAX_PAGE_SIZE}.`,
  })
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first: number = 20;
}
