import { GraphQLResolveInfo } from 'graphql';
import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  Float,
  ID,
  Info,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { WRITERS } from '../../common/auth/viewer';
import { BulkResult } from '../../common/bulk/bulk.types';
import { badInput } from '../../common/errors/app-error';
import { Connection } from '../../common/graphql/connection.type';
import { dbId } from '../../common/graphql/ids';
import { page } from '../../common/graphql/page';
import { ListArgs } from '../../common/graphql/page.args';
import { Context, Deps } from '../../context';
import { CampaignFilter, CampaignInput, CampaignSpendInput } from './campaign.inputs';
import { CAMPAIGN_SORT, countCampaigns, listCampaigns } from './campaign.repository';
import { recordCampaignSpend, upsertCampaigns } from './campaign.service';
import { Campaign, CampaignConnection } from './campaign.type';

const bulkArgs = { nullable: true, defaultValue: false } as const;

@Authorized()
@Resolver(() => Campaign)
export class CampaignResolver {
  constructor(private readonly deps: Deps) {}

  @Query(() => Campaign, { nullable: true })
  campaign(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Campaign | null> {
    const key = dbId(id);
    return key ? ctx.loaders.campaign.load(key) : Promise.resolve(null);
  }

  @Query(() => CampaignConnection)
  campaigns(
    @Args() args: ListArgs,
    @Arg('filter', () => CampaignFilter, { nullable: true }) filter: CampaignFilter | null,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Connection<Campaign>> {
    return page(
      args,
      info,
      CAMPAIGN_SORT,
      (win) => listCampaigns(this.deps.ds, filter, win),
      () => countCampaigns(this.deps.ds, filter),
    );
  }

  @Authorized(WRITERS.campaigns)
  @Mutation(() => BulkResult)
  upsertCampaigns(
    @Arg('input', () => [CampaignInput]) input: CampaignInput[],
    @Arg('allOrNone', () => Boolean, bulkArgs) allOrNone: boolean,
    @Ctx() ctx: Context,
  ): Promise<BulkResult> {
    return upsertCampaigns(this.deps.transactions, ctx.viewer!, input, !!allOrNone);
  }

  @Authorized(WRITERS.campaigns)
  @Mutation(() => BulkResult)
  recordCampaignSpend(
    @Arg('input', () => [CampaignSpendInput]) input: CampaignSpendInput[],
    @Arg('allOrNone', () => Boolean, bulkArgs) allOrNone: boolean,
    @Ctx() ctx: Context,
  ): Promise<BulkResult> {
    return recordCampaignSpend(this.deps.transactions, ctx.viewer!, input, !!allOrNone);
  }
}

@Resolver(() => Campaign)
export class CampaignFieldsResolver {
  @FieldResolver(() => Float, {
    description: 'Sum of recorded spend in [from, to), or all spend when both are omitted.',
  })
  spend(
    @Root() c: Campaign,
    @Arg('from', () => Date, { nullable: true }) from: Date | null,
    @Arg('to', () => Date, { nullable: true }) to: Date | null,
    @Ctx() ctx: Context,
  ): Promise<number> {
    if (from && to && to < from) throw badInput('to is before from', 'to');
    return ctx.loaders.campaignSpend(from, to).load(c.id);
  }
}
