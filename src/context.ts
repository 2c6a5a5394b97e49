import { DataSource } from 'typeorm';
import { Viewer } from './common/auth/viewer';
import { Loaders } from './loaders';
import type { ChangeFeed } from './modules/changes/change-feed';
import type { TransactionRunner } from './db/transaction';
import type { WebhookConfig } from './config/config';

/** Per request: who is calling and fresh DataLoaders (the request id lives in the request scope, common/request/request-scope.ts). */
export interface Context {
  viewer: Viewer | null;
  loaders: Loaders;
  /**
   * Where this request's record reads go when not the primary: a replica for an export (its loaders read there too).
   * The analytics route themselves (onReplica); writes always use the primary.
   */
  db?: DataSource;
  /** Subscriptions (WebSocket only): the change stream to follow and where to replay it from. */
  changes?: { feed: ChangeFeed; ds: DataSource };
}

/** What resolvers are constructed with (container.ts). */
export interface Deps {
  /** Reads. */
  ds: DataSource;
  /** Writes: the service's transaction runner, with every step a write transaction takes before it commits. */
  transactions: TransactionRunner;
  /** Committed deal and lead changes, for subscriptions (absent when only emitting the schema). */
  changes?: ChangeFeed;
  /** Webhook settings (which targets an endpoint may have); absent when only emitting the schema. */
  webhooks?: WebhookConfig;
}
