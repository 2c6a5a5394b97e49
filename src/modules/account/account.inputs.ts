import { Field, InputType, Int, registerEnumType } from 'type-graphql';
import { OrderDirection } from '../../common/graphql/enums';
import { ListFilterFields } from '../../common/graphql/list-filter';

export enum AccountOrderField {
  CREATED_AT = 'CREATED_AT',
  UPDATED_AT = 'UPDATED_AT',
  NAME = 'NAME',
}
registerEnumType(AccountOrderField, {
  name: 'AccountOrderField',
  description: 'What the accounts list is ordered by.',
});

@InputType({
  description: 'Narrows the accounts list; every given field must hold. search matches name, domain and externalId.',
})
export class AccountFilter extends ListFilterFields {
  @Field(() => [String], { nullable: true, description: 'Accounts in any of these industries (exact values).' })
  industries?: string[] | null;
  @Field(() => [String], { nullable: true, description: 'Accounts in any of these regions (exact values).' })
  regions?: string[] | null;
  @Field(() => Date, { nullable: true, description: 'Accounts created at or after this instant.' })
  createdFrom?: Date | null;
  @Field(() => Date, { nullable: true, description: 'Accounts created before this instant.' })
  createdTo?: Date | null;
}

@InputType({ description: 'The order of the accounts list (ties broken by id).' })
export class AccountOrder {
  @Field(() => AccountOrderField) field: AccountOrderField;
  @Field(() => OrderDirection) direction: OrderDirection;
}

@InputType()
export class AccountInput {
  @Field({ description: "The account's id in the system it comes from; the key an upsert is matched on." })
  externalId: string;
  @Field(() => String, { nullable: true, description: 'Required to create an account; an update may leave it out.' })
  name?: string | null;
  @Field(() => String, { nullable: true }) domain?: string | null;
  @Field(() => String, { nullable: true }) industry?: string | null;
  @Field(() => String, { nullable: true }) region?: string | null;
  @Field(() => Int, { nullable: true }) employees?: number | null;
  @Field(() => Date, { nullable: true }) createdAt?: Date | null;
}
