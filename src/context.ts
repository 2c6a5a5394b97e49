import { DataSource } from 'typeorm';
import { Viewer } from './common/auth/viewer';
import { Loaders } from './common/dataloader/create-loaders';
import type { ChangeFeed } from './modules/changes/change-feed';

/** Per request: who is calling and fresh DataLoaders (the request id lives in the request scope, db/request-scope.ts). */
export interface Context {
  viewer: Viewer | null;
  loaders: Loaders;
}

/** What resolvers are constructed with (container.ts). */
export interface Deps {
  ds: DataSource;
  /** Committed deal and lead changes, for subscriptions (absent when only emitting the schema). */
  changes?: ChangeFeed;
}
