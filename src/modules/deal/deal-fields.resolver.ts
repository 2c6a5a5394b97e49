import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Context } from '../../context';
import { Account } from '../account/account.type';
import { Lead, LeadRow } from '../lead/lead.type';
import { PipelineStage } from '../pipeline-stage/pipeline-stage.type';
import { User } from '../user/user.type';
import { Deal, DealRow, DealStageChange } from './deal.type';

/** Deal's child fields, batched per request through DataLoaders. */
@Resolver(() => Deal)
export class DealFieldsResolver {
  @FieldResolver(() => PipelineStage)
  async stage(@Root() d: DealRow, @Ctx() ctx: Context): Promise<PipelineStage> {
    return (await ctx.loaders.stage.load(d.stageKey))!;
  }

  @FieldResolver(() => Account, { nullable: true })
  account(@Root() d: DealRow, @Ctx() ctx: Context): Account | null | Promise<Account | null> {
    return d.accountId ? ctx.loaders.account.get(d.accountId) : null;
  }

  @FieldResolver(() => User, { nullable: true })
  owner(@Root() d: DealRow, @Ctx() ctx: Context): User | null | Promise<User | null> {
    return d.ownerId ? ctx.loaders.user.get(d.ownerId) : null;
  }

  @FieldResolver(() => [Lead])
  leads(@Root() d: DealRow, @Ctx() ctx: Context): LeadRow[] | Promise<LeadRow[]> {
    return ctx.loaders.leadsByDeal.get(d.id);
  }

  @FieldResolver(() => [DealStageChange])
  stageHistory(@Root() d: DealRow, @Ctx() ctx: Context): Promise<DealStageChange[]> {
    return ctx.loaders.dealHistory.load(d.id);
  }
}
