import { GraphQLResolveInfo } from 'graphql';
import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Info,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { WEBHOOK_ADMINS } from '../../common/auth/viewer';
import { Connection } from '../../common/graphql/connection.type';
import { dbId } from '../../common/graphql/ids';
import { page } from '../../common/graphql/page';
import { ListArgs } from '../../common/graphql/page.args';
import { Context, Deps } from '../../context';
import { DELIVERY_SORT, countDeliveries, endpoints, listDeliveries } from './webhook.repository';
import { createEndpoint, deleteEndpoint, replayDeliveries, rotateSecret, updateEndpoint } from './webhook.service';
import {
  WebhookAttempt,
  WebhookDelivery,
  WebhookDeliveryConnection,
  WebhookDeliveryStatus,
  WebhookEndpoint,
  WebhookEndpointInput,
  WebhookEndpointPatch,
  WebhookEndpointSecret,
} from './webhook.types';

/** Webhooks: endpoints, their delivery log and replay. REVOPS and ADMIN only (definitions §7): URLs and secrets. */
@Authorized(WEBHOOK_ADMINS)
@Resolver()
export class WebhookResolver {
  constructor(private readonly deps: Deps) {}

  private get allowPrivate(): boolean {
    return this.deps.webhooks?.allowPrivate ?? false;
  }

  @Query(() => [WebhookEndpoint], { description: 'Every webhook endpoint (secrets are never shown again).' })
  webhookEndpoints(): Promise<WebhookEndpoint[]> {
    return endpoints(this.deps.ds);
  }

  @Query(() => WebhookDeliveryConnection, {
    description: 'The delivery log, newest first: each event sent to each endpoint, its status and attempts.',
  })
  webhookDeliveries(
    @Args() args: ListArgs,
    @Arg('endpointId', () => ID, { nullable: true, description: 'One endpoint only.' }) endpointId: string | null,
    @Arg('status', () => WebhookDeliveryStatus, { nullable: true, description: 'One status only.' })
    status: WebhookDeliveryStatus | null,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Connection<WebhookDelivery>> {
    const f = { endpointId: endpointId ? (dbId(endpointId) ?? '0') : null, status };
    return page(
      args,
      info,
      DELIVERY_SORT,
      (win) => listDeliveries(this.deps.ds, f, win),
      () => countDeliveries(this.deps.ds, f),
    );
  }

  @Mutation(() => WebhookEndpointSecret, {
    description:
      'Adds an endpoint: from now on every committed change of its kinds is delivered to it, signed (Standard ' +
      'Webhooks), at least once, retried with backoff. Returns the signing secret, once.',
  })
  createWebhookEndpoint(
    @Arg('input', () => WebhookEndpointInput) input: WebhookEndpointInput,
    @Ctx() ctx: Context,
  ): Promise<WebhookEndpointSecret> {
    return createEndpoint(this.deps.transactions, ctx.viewer!, input, this.allowPrivate);
  }

  @Mutation(() => WebhookEndpoint, { description: "Changes an endpoint's URL, kinds, description, or pauses it." })
  updateWebhookEndpoint(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => WebhookEndpointPatch) input: WebhookEndpointPatch,
  ): Promise<WebhookEndpoint> {
    return updateEndpoint(this.deps.transactions, id, input, this.allowPrivate);
  }

  @Mutation(() => Boolean, { description: 'Deletes an endpoint and its delivery log.' })
  deleteWebhookEndpoint(@Arg('id', () => ID) id: string): Promise<boolean> {
    return deleteEndpoint(this.deps.transactions, id);
  }

  @Mutation(() => WebhookEndpointSecret, {
    description: 'Replaces the signing secret (the old one stops at once); returns the new one, once.',
  })
  rotateWebhookSecret(@Arg('id', () => ID) id: string): Promise<WebhookEndpointSecret> {
    return rotateSecret(this.deps.transactions, id);
  }

  @Mutation(() => Int, {
    description:
      'Sends deliveries again from a first attempt (same webhook-id, so receivers can deduplicate): the given ids, ' +
      'or all of an endpoint in a status (DEAD by default). Returns how many were queued.',
  })
  replayWebhookDeliveries(
    @Arg('ids', () => [ID], { nullable: true, description: 'These deliveries.' }) ids: string[] | null,
    @Arg('endpointId', () => ID, { nullable: true, description: "Or this endpoint's deliveries in `status`." })
    endpointId: string | null,
    @Arg('status', () => WebhookDeliveryStatus, {
      nullable: true,
      defaultValue: WebhookDeliveryStatus.DEAD,
      description: 'With endpointId: which of its deliveries (DEAD by default).',
    })
    status: WebhookDeliveryStatus,
  ): Promise<number> {
    return replayDeliveries(this.deps.transactions, ids, endpointId, status ?? WebhookDeliveryStatus.DEAD);
  }
}

/** A delivery's attempt log, batched per request. */
@Resolver(() => WebhookDelivery)
export class WebhookDeliveryFieldsResolver {
  @FieldResolver(() => [WebhookAttempt], { description: 'Every attempt so far, in order.' })
  attemptLog(@Root() d: WebhookDelivery, @Ctx() ctx: Context): Promise<WebhookAttempt[]> {
    return ctx.loaders.webhookAttempts.load(d.id);
  }
}
