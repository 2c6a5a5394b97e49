import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Channel } from '../../../common/graphql/enums';
import { Context } from '../../../context';
import { Campaign } from '../../campaign/campaign.type';
import { AttributionRow } from './attribution.types';

/** "PAID_SEARCH" → "Paid search". */
const channelLabel = (c: Channel) => c.charAt(0) + c.slice(1).toLowerCase().replace(/_/g, ' ');

/** Label, channel and campaign of an attribution row; campaigns come through the per-request loader (no N+1). */
@Resolver(() => AttributionRow)
export class AttributionRowFieldsResolver {
  @FieldResolver(() => Campaign, { nullable: true })
  async campaign(@Root() row: AttributionRow, @Ctx() ctx: Context): Promise<Campaign | null> {
    return row.groupChannel ? null : ctx.loaders.campaign.load(row.key);
  }

  @FieldResolver(() => String)
  async label(@Root() row: AttributionRow, @Ctx() ctx: Context): Promise<string> {
    return row.groupChannel ? channelLabel(row.groupChannel) : ((await this.campaign(row, ctx))?.name ?? row.key);
  }

  @FieldResolver(() => Channel)
  async channel(@Root() row: AttributionRow, @Ctx() ctx: Context): Promise<Channel> {
    return row.groupChannel ?? (await this.campaign(row, ctx))!.channel;
  }
}
