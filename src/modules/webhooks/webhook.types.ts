import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../../common/graphql/connection.type';

export enum WebhookEventKind {
  DEAL = 'DEAL',
  LEAD = 'LEAD',
}
registerEnumType(WebhookEventKind, {
  name: 'WebhookEventKind',
  description: 'What an endpoint hears about.',
  valuesConfig: {
    DEAL: { description: 'deal.created and deal.updated: any committed change of a deal (stage, amount, outcome…).' },
    LEAD: { description: 'lead.created and lead.updated: any committed change of a lead (data, stage, milestones…).' },
  },
});

export enum WebhookDeliveryStatus {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  DEAD = 'DEAD',
}
registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  description: "Where one event's delivery to one endpoint stands.",
  valuesConfig: {
    PENDING: { description: 'Not delivered yet: waiting for its first attempt or for the next retry.' },
    DELIVERED: { description: 'The endpoint answered 2xx.' },
    DEAD: { description: 'Every attempt failed (WEBHOOK_MAX_ATTEMPTS); replayWebhookDeliveries sends it again.' },
  },
});

@ObjectType({ simpleResolvers: true, description: 'A URL that hears about changes, signed with its own secret.' })
export class WebhookEndpoint {
  @Field(() => ID) id: string;
  @Field({ description: 'Where events are POSTed (http or https; public addresses unless WEBHOOK_ALLOW_PRIVATE).' })
  url: string;
  @Field(() => String, { nullable: true, description: 'What it is for, for the people who manage it.' })
  description: string | null;
  @Field(() => [WebhookEventKind], { description: 'The kinds of change it hears about.' }) events: WebhookEventKind[];
  @Field({ description: 'Disabled endpoints get no new deliveries and pending ones wait.' }) enabled: boolean;
  @Field({ description: 'When it was created.' }) createdAt: Date;
  @Field({ description: 'When it last changed.' }) updatedAt: Date;
}

@ObjectType({ simpleResolvers: true, description: 'An endpoint with its signing secret (shown only here).' })
export class WebhookEndpointSecret {
  @Field(() => WebhookEndpoint, { description: 'The endpoint.' }) endpoint: WebhookEndpoint;
  @Field({
    description:
      'The signing secret (whsec_…): verify webhook-signature with it (Standard Webhooks: HMAC-SHA256 over ' +
      '"{webhook-id}.{webhook-timestamp}.{body}"). It is not shown again; rotateWebhookSecret makes a new one.',
  })
  secret: string;
}

@ObjectType({ simpleResolvers: true, description: 'One attempt to deliver an event.' })
export class WebhookAttempt {
  @Field(() => Int, { description: '1 for the first attempt.' }) attempt: number;
  @Field({ description: 'When it started.' }) startedAt: Date;
  @Field(() => Int, { description: 'How long it took, in milliseconds.' }) durationMs: number;
  @Field(() => Int, { nullable: true, description: "The endpoint's HTTP status; null when none came." })
  status: number | null;
  @Field(() => String, { nullable: true, description: 'Why it failed (timeout, refused, blocked, HTTP status).' })
  error: string | null;
}

@ObjectType({ simpleResolvers: true, description: "One event's delivery to one endpoint, and its attempts." })
export class WebhookDelivery {
  @Field(() => ID) id: string;
  @Field(() => ID, { description: 'The endpoint.' }) endpointId: string;
  @Field({ description: 'The webhook-id header: the same on every attempt and replay, for deduplication.' })
  webhookId: string;
  @Field({ description: 'deal.created, deal.updated, lead.created or lead.updated.' }) type: string;
  @Field(() => ID, { description: 'The deal or lead that changed.' }) recordId: string;
  @Field(() => WebhookDeliveryStatus) status: WebhookDeliveryStatus;
  @Field(() => Int, { description: 'Attempts made so far.' }) attempts: number;
  @Field({ description: 'PENDING: when the next attempt is due.' }) nextAttemptAt: Date;
  @Field(() => Int, { nullable: true, description: "The last attempt's HTTP status." }) lastStatus: number | null;
  @Field(() => String, { nullable: true, description: "The last attempt's error." }) lastError: string | null;
  @Field(() => Date, { nullable: true, description: 'When it was delivered.' }) deliveredAt: Date | null;
  @Field({ description: 'When the change was committed (the delivery was created with it).' }) createdAt: Date;
  // attemptLog: field resolver
}

export const WebhookDeliveryConnection = ConnectionType('WebhookDelivery', WebhookDelivery);

@InputType({ description: 'A new webhook endpoint.' })
export class WebhookEndpointInput {
  @Field({ description: 'http(s) URL; public addresses only unless WEBHOOK_ALLOW_PRIVATE.' }) url: string;
  @Field(() => [WebhookEventKind], { description: 'The kinds of change to hear about (at least one).' })
  events: WebhookEventKind[];
  @Field(() => String, { nullable: true, description: 'What it is for.' }) description?: string | null;
  @Field(() => Boolean, { nullable: true, defaultValue: true, description: 'Whether it gets deliveries.' })
  enabled?: boolean | null;
}

@InputType({ description: 'Changes to an endpoint; left-out fields stay as they are.' })
export class WebhookEndpointPatch {
  @Field(() => String, { nullable: true, description: 'A new URL (checked like on create).' }) url?: string | null;
  @Field(() => [WebhookEventKind], { nullable: true, description: 'New kinds (at least one).' })
  events?: WebhookEventKind[] | null;
  @Field(() => String, { nullable: true, description: 'A new description (null clears it).' })
  description?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Pause (false) or resume (true) deliveries.' })
  enabled?: boolean | null;
}
