import { Field, ID, InputType } from 'type-graphql';
import { Channel, TouchpointType } from '../../common/graphql/enums';

@InputType({ description: 'Narrows the touchpoints list; every given field must hold.' })
export class TouchpointFilter {
  @Field(() => ID, { nullable: true }) leadId?: string | null;
  @Field(() => ID, { nullable: true }) campaignId?: string | null;
  @Field(() => [Channel], { nullable: true }) channels?: Channel[] | null;
  @Field(() => Date, { nullable: true }) occurredFrom?: Date | null;
  @Field(() => Date, { nullable: true }) occurredTo?: Date | null;
  @Field(() => Date, {
    nullable: true,
    description: 'Only touchpoints recorded or corrected at or after this instant (incremental sync).',
  })
  updatedSince?: Date | null;
}

@InputType()
export class TouchpointInput {
  @Field() externalId: string;
  @Field() leadExternalId: string;
  @Field() campaignExternalId: string;
  @Field(() => TouchpointType) type: TouchpointType;
  @Field() occurredAt: Date;
}
