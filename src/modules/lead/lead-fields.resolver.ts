import { Args, Ctx, FieldResolver, Float, Int, Resolver, Root } from 'type-graphql';
import { LeadQualification } from '../qualification/qualification.types';
import { canSeePersonalData } from '../../common/auth/viewer';
import { Connection } from '../../common/graphql/connection.type';
import { PageArgs } from '../../common/graphql/page.args';
import { Context } from '../../context';
import { Account } from '../account/account.type';
import { Deal, DealRow } from '../deal/deal.type';
import { TouchpointConnection, TouchpointRow } from '../touchpoint/touchpoint.type';
import { User } from '../user/user.type';
import { Lead, LeadRow, LeadStageChange } from './lead.type';

const personal = (ctx: Context, value: string | null) => (canSeePersonalData(ctx.viewer) ? value : null);

/** Lead's child and personal fields; children are batched per request through DataLoaders. */
@Resolver(() => Lead)
export class LeadFieldsResolver {
  @FieldResolver(() => String, { nullable: true, description: 'Personal data: null for ANALYST tokens.' })
  email(@Root() l: LeadRow, @Ctx() ctx: Context): string | null {
    return personal(ctx, l.email);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Personal data: null for ANALYST tokens.' })
  firstName(@Root() l: LeadRow, @Ctx() ctx: Context): string | null {
    return personal(ctx, l.firstName);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Personal data: null for ANALYST tokens.' })
  lastName(@Root() l: LeadRow, @Ctx() ctx: Context): string | null {
    return personal(ctx, l.lastName);
  }

  @FieldResolver(() => Lead, {
    nullable: true,
    description: 'The lead this one was merged into (mergeLeads); null unless merged away.',
  })
  async mergedInto(@Root() l: LeadRow, @Ctx() ctx: Context): Promise<LeadRow | null> {
    return l.mergedIntoId ? ((await ctx.loaders.lead.load(l.mergedIntoId)) ?? null) : null;
  }

  @FieldResolver(() => Account, { nullable: true })
  account(@Root() l: LeadRow, @Ctx() ctx: Context): Account | null | Promise<Account | null> {
    return l.accountId ? ctx.loaders.account.get(l.accountId) : null;
  }

  @FieldResolver(() => User, { nullable: true })
  owner(@Root() l: LeadRow, @Ctx() ctx: Context): User | null | Promise<User | null> {
    return l.ownerId ? ctx.loaders.user.get(l.ownerId) : null;
  }

  @FieldResolver(() => [LeadStageChange])
  stageHistory(@Root() l: LeadRow, @Ctx() ctx: Context): Promise<LeadStageChange[]> {
    return ctx.loaders.leadHistory.load(l.id);
  }

  @FieldResolver(() => TouchpointConnection)
  touchpoints(@Root() l: LeadRow, @Args() args: PageArgs, @Ctx() ctx: Context): Promise<Connection<TouchpointRow>> {
    return ctx.loaders.leadTouchpoints.load(l.id, args);
  }

  @FieldResolver(() => Int, {
    nullable: true,
    description: 'Fit score under the active definition (null when none is active).',
  })
  async fitScore(@Root() l: LeadRow, @Ctx() ctx: Context): Promise<number | null> {
    return (await ctx.loaders.leadScore.load(l.id))?.fit ?? null;
  }

  @FieldResolver(() => Float, {
    nullable: true,
    description: 'Engagement score now under the active definition (null when none is active).',
  })
  async engagementScore(@Root() l: LeadRow, @Ctx() ctx: Context): Promise<number | null> {
    return (await ctx.loaders.leadScore.load(l.id))?.engagement ?? null;
  }

  @FieldResolver(() => LeadQualification, {
    nullable: true,
    description: 'Set when an active definition made this lead an MQL.',
  })
  qualification(@Root() l: LeadRow, @Ctx() ctx: Context): Promise<LeadQualification | null> {
    return ctx.loaders.leadQualification.load(l.id);
  }

  @FieldResolver(() => [Deal])
  deals(@Root() l: LeadRow, @Ctx() ctx: Context): Promise<DealRow[]> {
    return ctx.loaders.dealsByLead.load(l.id);
  }
}
