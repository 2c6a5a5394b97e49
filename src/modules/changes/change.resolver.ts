import { Arg, Authorized, Ctx, ID, Resolver, Root, Subscription } from 'type-graphql';
import { createLoaders } from '../../loaders';
import { Context, Deps } from '../../context';
import { dealsByIds } from '../deal/deal.repository';
import { leadsByIds } from '../lead/lead.repository';
import { Change } from './change-feed';
import { ChangeOp, DealChange, LeadChange } from './change.types';

const OP = { INSERT: ChangeOp.CREATED, UPDATE: ChangeOp.UPDATED } as const;

/** Every committed change of the topic's kind, or of the given ids only. */
const wanted = ({ payload, args }: { payload: Change; args: { ids?: string[] | null } }) =>
  !args.ids?.length || args.ids.includes(payload.id);

/**
 * Deal and lead changes over graphql-ws (`ws://…/graphql`), from the change feed's topics: each event reads the record
 * as committed, with fresh DataLoaders (a subscription's context lives as long as it does; its children must not come
 * from an old cache).
 */
@Authorized()
@Resolver()
export class ChangeResolver {
  constructor(private readonly deps: Deps) {}

  @Subscription(() => DealChange, {
    description: 'Committed changes to deals (all, or the given ids).',
    topics: 'deal',
    filter: wanted,
  })
  async dealChanged(
    @Root() change: Change,
    @Ctx() ctx: Context,
    @Arg('ids', () => [ID], { nullable: true }) _ids?: string[],
  ): Promise<DealChange> {
    ctx.loaders = createLoaders(this.deps.ds);
    return { op: OP[change.op], deal: (await dealsByIds(this.deps.ds, [change.id]))[0] ?? null };
  }

  @Subscription(() => LeadChange, {
    description: 'Committed changes to leads (all, or the given ids).',
    topics: 'lead',
    filter: wanted,
  })
  async leadChanged(
    @Root() change: Change,
    @Ctx() ctx: Context,
    @Arg('ids', () => [ID], { nullable: true }) _ids?: string[],
  ): Promise<LeadChange> {
    ctx.loaders = createLoaders(this.deps.ds);
    return { op: OP[change.op], lead: (await leadsByIds(this.deps.ds, [change.id]))[0] ?? null };
  }
}
