import { Field, Float, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { DealStatus, OrderDirection } from '../../common/graphql/enums';
import { ListFilterFields } from '../../common/graphql/list-filter';

export enum DealOrderField {
  CREATED_AT = 'CREATED_AT',
  AMOUNT = 'AMOUNT',
  CLOSED_AT = 'CLOSED_AT',
  UPDATED_AT = 'UPDATED_AT',
}
registerEnumType(DealOrderField, { name: 'DealOrderField' });

@InputType({ description: 'Narrows the deals list; every given field must hold. search matches name and externalId.' })
export class DealFilter extends ListFilterFields {
  @Field(() => [String], { nullable: true }) stages?: string[] | null;
  @Field(() => [DealStatus], { nullable: true }) statuses?: DealStatus[] | null;
  @Field(() => ID, { nullable: true }) ownerId?: string | null;
  @Field(() => ID, { nullable: true }) accountId?: string | null;
  @Field(() => Date, { nullable: true }) createdFrom?: Date | null;
  @Field(() => Date, { nullable: true }) createdTo?: Date | null;
  @Field(() => Date, { nullable: true }) closedFrom?: Date | null;
  @Field(() => Date, { nullable: true }) closedTo?: Date | null;
}

@InputType()
export class DealOrder {
  @Field(() => DealOrderField) field: DealOrderField;
  @Field(() => OrderDirection) direction: OrderDirection;
}

@InputType()
export class DealInput {
  @Field({ description: "The deal's id in the system it comes from; the key an upsert is matched on." })
  externalId: string;
  @Field(() => String, { nullable: true, description: 'Required to create a deal; an update may leave it out.' })
  name?: string | null;
  @Field(() => Float, {
    nullable: true,
    description:
      'Expected or won revenue in the reporting currency. Required to create a deal; an update may leave it out.',
  })
  amount?: number | null;
  @Field(() => String, { nullable: true }) accountExternalId?: string | null;
  @Field(() => String, { nullable: true }) ownerEmail?: string | null;
  @Field(() => [String], { nullable: true }) leadExternalIds?: string[] | null;
  @Field(() => String, {
    nullable: true,
    description:
      'Pipeline stage key the deal is in. On create it defaults to the first OPEN stage. On update without stageAt ' +
      'the deal moves to it now when it is in another stage; the stage it is already in changes nothing.',
  })
  stage?: string | null;
  @Field(() => Date, {
    nullable: true,
    description:
      'When the deal entered `stage` (needs `stage`): recorded as that stage change at that instant, so a sync ' +
      'run twice records it once.',
  })
  stageAt?: Date | null;
  @Field(() => Date, { nullable: true, description: 'When the opportunity was created. Defaults to now on create.' })
  createdAt?: Date | null;
  @Field(() => Date, { nullable: true }) expectedCloseDate?: Date | null;
}

@InputType()
export class DealStageChangeInput {
  @Field() dealExternalId: string;
  @Field() stage: string;
  @Field(() => Date, {
    nullable: true,
    description:
      'When the deal entered the stage. Left out, the change means "the deal is in this stage now": recorded now ' +
      'when the deal is in another stage, and a no-op (UNCHANGED) when it is already in this one.',
  })
  occurredAt?: Date | null;
  @Field(() => Float, {
    nullable: true,
    description: "The deal's amount as of this change (updates the deal when it is the latest change).",
  })
  amount?: number | null;
  @Field(() => String, { nullable: true }) reason?: string | null;
}

@InputType()
export class MoveDealStageInput {
  @Field(() => ID) dealId: string;
  @Field() stage: string;
  @Field(() => Int, {
    description: 'The version the caller last read; a stale version fails with CONFLICT and changes nothing.',
  })
  expectedVersion: number;
  @Field(() => Date, { nullable: true }) occurredAt?: Date | null;
  @Field(() => Float, { nullable: true }) amount?: number | null;
  @Field(() => String, { nullable: true }) reason?: string | null;
}

@InputType()
export class ConvertLeadInput {
  @Field(() => ID) leadId: string;
  @Field(() => DealInput) deal: DealInput;
}
