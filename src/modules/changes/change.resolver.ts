import { Arg, Authorized, Ctx, ID, Resolver, Root, Subscription } from 'type-graphql';
import { createLoaders } from '../../loaders';
import { Context, Deps } from '../../context';
import { dealsByIds } from '../deal/deal.repository';
import { leadsByIds } from '../lead/lead.repository';
import { ChangeEvent, ChangeKind, encodeKey } from './change-stream.query';
import { ChangeOp, DealChange, LeadChange } from './change.types';
import { changeStream } from './change-resume';

type Args = { ids?: string[] | null; after?: string | null };

const subscribe =
  (kind: ChangeKind) =>
  ({ args, context }: { args: Args; context: Context }) =>
    changeStream(context.changes!.feed, context.changes!.ds, kind, args);

const IDS = { nullable: true, description: 'Only these records (all when left out).' } as const;
const AFTER = {
  nullable: true,
  description:
    "Resume: every change after this cursor (an event's `cursor`), then the live ones, each exactly once. Left out: " +
    'only changes committed from now on. An expired cursor is BAD_USER_INPUT with reason CURSOR_EXPIRED.',
} as const;

/**
 * Deal and lead changes over graphql-ws (`ws://…/graphql`), from the outbox's change stream: each event reads the
 * record as committed, with fresh DataLoaders (a subscription's context lives as long as it does; its children must
 * not come from an old cache).
 */
@Authorized()
@Resolver()
export class ChangeResolver {
  constructor(private readonly deps: Deps) {}

  @Subscription(() => DealChange, {
    description: 'Committed changes to deals (all, or the given ids), resumable from a cursor.',
    subscribe: subscribe('DEAL'),
  })
  async dealChanged(
    @Root() change: ChangeEvent,
    @Ctx() ctx: Context,
    @Arg('ids', () => [ID], IDS) _ids?: string[],
    @Arg('after', () => String, AFTER) _after?: string,
  ): Promise<DealChange> {
    ctx.loaders = createLoaders(this.deps.ds);
    const deal = (await dealsByIds(this.deps.ds, [change.id]))[0] ?? null;
    return {
      op: ChangeOp[change.op],
      deal,
      cursor: encodeKey(change.key),
      occurredAt: change.occurredAt,
      version: change.version,
    };
  }

  @Subscription(() => LeadChange, {
    description: 'Committed changes to leads (all, or the given ids), resumable from a cursor.',
    subscribe: subscribe('LEAD'),
  })
  async leadChanged(
    @Root() change: ChangeEvent,
    @Ctx() ctx: Context,
    @Arg('ids', () => [ID], IDS) _ids?: string[],
    @Arg('after', () => String, AFTER) _after?: string,
  ): Promise<LeadChange> {
    ctx.loaders = createLoaders(this.deps.ds);
    const lead = (await leadsByIds(this.deps.ds, [change.id]))[0] ?? null;
    return {
      op: ChangeOp[change.op],
      lead,
      cursor: encodeKey(change.key),
      occurredAt: change.occurredAt,
      version: change.version,
    };
  }
}
