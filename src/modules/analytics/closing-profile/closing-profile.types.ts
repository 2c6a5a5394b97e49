import { Field, Float, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Ratio } from '../analytics.types';

export enum ProfilePopulation {
  DEALS = 'DEALS',
  MQLS = 'MQLS',
}
registerEnumType(ProfilePopulation, {
  name: 'ProfilePopulation',
  description:
    'DEALS: closed in the period, success = WON. MQLS: reach_MQL in the period with a hand-off, success = accepted.',
});

export enum ProfileDimension {
  INDUSTRY = 'INDUSTRY',
  REGION = 'REGION',
  EMPLOYEES_BAND = 'EMPLOYEES_BAND',
  TITLE_SENIORITY = 'TITLE_SENIORITY',
  SOURCE = 'SOURCE',
  FIRST_TOUCH_CHANNEL = 'FIRST_TOUCH_CHANNEL',
  FIRST_TOUCH_CAMPAIGN = 'FIRST_TOUCH_CAMPAIGN',
  OWNER = 'OWNER',
  AMOUNT_BAND = 'AMOUNT_BAND',
  SCORE_BAND = 'SCORE_BAND',
}
registerEnumType(ProfileDimension, {
  name: 'ProfileDimension',
  description:
    'A property of a unit the profile breaks down by (definitions.md §10); null values are UNKNOWN, no touch NONE.',
});

@InputType()
export class ClosingProfileInput {
  @Field(() => ProfilePopulation, { defaultValue: ProfilePopulation.DEALS }) population: ProfilePopulation;
  @Field() from: Date;
  @Field() to: Date;
  @Field(() => Date, { nullable: true }) asOf?: Date | null;
  @Field(() => [ProfileDimension], {
    nullable: true,
    description: 'Default: every dimension that applies to the population (AMOUNT_BAND only for DEALS).',
  })
  dimensions?: ProfileDimension[] | null;
  @Field(() => Int, { defaultValue: 5, description: 'Values with fewer units (successes + failures) are left out.' })
  minSupport: number;
  @Field(() => Float, { defaultValue: 0.95, description: 'Of the intervals, in (0, 1).' }) confidence: number;
}

@ObjectType({ simpleResolvers: true })
export class ProfileSignal {
  @Field(() => ProfileDimension) dimension: ProfileDimension;
  @Field({ description: 'The value (a campaign by its external id, an owner by email; UNKNOWN, NONE, UNASSIGNED).' })
  key: string;
  @Field() label: string;
  @Field(() => Int) successes: number;
  @Field(() => Int) failures: number;
  @Field(() => Ratio) rate: Ratio;
  @Field(() => Float, { description: 'Wilson score interval of the rate at the confidence.' }) rateLow: number;
  @Field(() => Float) rateHigh: number;
  @Field(() => Float, {
    description: 'Odds of success with this value vs without it (Haldane–Anscombe when a cell is 0).',
  })
  oddsRatio: number;
  @Field(() => Float) oddsRatioLow: number;
  @Field(() => Float) oddsRatioHigh: number;
  @Field(() => Float, { description: "Fisher's exact test, two-sided." }) pValue: number;
  @Field(() => Float, { description: 'Benjamini–Hochberg over every signal of the report.' }) qValue: number;
  @Field(() => Float, { nullable: true, description: 'rate / baseRate.' }) lift: number | null;
}

@ObjectType({ simpleResolvers: true })
export class ClosingProfile {
  @Field(() => ProfilePopulation) population: ProfilePopulation;
  @Field(() => Int) successes: number;
  @Field(() => Int) failures: number;
  @Field(() => Ratio) baseRate: Ratio;
  @Field(() => [ProfileSignal], { description: 'Sorted by qValue, then |ln oddsRatio| descending, dimension and key.' })
  signals: ProfileSignal[];
}
