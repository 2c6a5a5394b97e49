import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Context } from '../../../context';
import { FunnelGroup } from '../analytics.types';

/** A funnel group's display label: a campaign group's name through the per-request campaign loader (no N+1). */
@Resolver(() => FunnelGroup)
export class FunnelGroupFieldsResolver {
  @FieldResolver(() => String)
  async label(@Root() group: FunnelGroup, @Ctx() ctx: Context): Promise<string> {
    if (!group.campaign) return group.key;
    return (await ctx.loaders.campaign.load(group.key))?.name ?? group.key;
  }
}
