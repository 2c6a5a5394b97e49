import 'reflect-metadata';
import { loadConfig } from './src/config/config';
import { createDataSource } from './src/data-source';

/** For the TypeORM CLI (migration:generate/run/revert); needs DATABASE_URL. */
const config = loadConfig();
if (!config.databaseUrl) throw new Error('Set DATABASE_URL to use the TypeORM CLI');
export default createDataSource({ url: config.databaseUrl });
