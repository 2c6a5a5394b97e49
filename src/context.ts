import { DataSource } from 'typeorm';
import { Viewer } from './common/auth/viewer';
import { Loaders } from './common/dataloader/create-loaders';

/** Per request: who is calling, fresh DataLoaders, and a request id for logs and masked errors. */
export interface Context {
  viewer: Viewer | null;
  requestId: string;
  loaders: Loaders;
}

/** What resolvers are constructed with (container.ts). */
export interface Deps {
  ds: DataSource;
}
