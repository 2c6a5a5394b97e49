import { Field, InputType } from 'type-graphql';

@InputType({ description: 'Duplicates to fold into one survivor (all active records of the same kind).' })
export class MergeInput {
  @Field({ description: 'The externalId of the record that stays; it keeps its values and its externalId.' })
  survivorExternalId: string;
  @Field(() => [String], {
    description:
      'The externalIds of the duplicates (1 to 10): their history, children and links move to the survivor, their ' +
      "values fill the survivor's empty fields, and they stay behind archived with mergedInto set.",
  })
  duplicateExternalIds: string[];
}
