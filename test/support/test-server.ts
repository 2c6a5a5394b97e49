import { DataSource } from 'typeorm';
import { Role } from '../../src/common/graphql/enums';
import { Config, loadConfig } from '../../src/config/config';
import { createServer, RunningServer } from '../../src/server';
import { openTestDataSource } from './db';
import { scratchDatabase } from './scratch-db';
import { testConfig, tokenFor } from './tokens';

export interface GqlResponse<T = Record<string, any>> {
  status: number;
  body: {
    data?: T;
    errors?: { message: string; path?: string[]; extensions?: Record<string, any> }[];
    extensions?: Record<string, any>;
  };
  headers: Headers;
}

export interface TestApi {
  ds: DataSource;
  server: RunningServer;
  /** POSTs an operation as a role (a real signed JWT), or with no token when role is null. */
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    role?: Role | null,
    headers?: Record<string, string>,
  ): Promise<GqlResponse<T>>;
  /** Like gql, but fails the test on any GraphQL error and returns data. */
  ok<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, role?: Role): Promise<T>;
  close(): Promise<void>;
}

/** The metrics token of productionConfig. */
export const METRICS_TOKEN = 'mT4kQ9zR2xV7bN1cW6yH3jP8';

/** The production configuration (introspection off, suggestions hidden), with the test secret and the given env. */
export const productionConfig = (env: Record<string, string> = {}): Config =>
  loadConfig({
    NODE_ENV: 'production',
    PORT: '0',
    JWT_SECRET: testConfig.jwt.secret,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    RATE_BUCKET_CAPACITY: '1000000000',
    RATE_REFILL_PER_SECOND: '1000000000',
    METRICS_TOKEN,
    BI_READER_DISABLED: 'true',
    ...env,
  });

/** The real server (Express + Apollo + TypeORM) on a free port, talking to the test database. */
export async function startTestApi(config: Config = testConfig, now?: () => number): Promise<TestApi> {
  const ds = await openTestDataSource(config.db.poolSize, config === testConfig ? {} : config.db);
  const server = await createServer(config, ds, 0, undefined, now);
  return apiFor(ds, server, () => ds.destroy());
}

/**
 * The real server on a database of its own (scratchDatabase): for tests that change what is global to a database
 * (the active qualification definition), so no other test file sees it. close() drops the database.
 */
export async function startScratchApi(prefix: string, config: Config = testConfig): Promise<TestApi> {
  const db = await scratchDatabase(prefix);
  const server = await createServer(config, db.ds, 0);
  return apiFor(db.ds, server, () => db.drop());
}

function apiFor(ds: DataSource, server: RunningServer, release: () => Promise<void>): TestApi {
  const gql: TestApi['gql'] = async (query, variables = {}, role = Role.ADMIN, headers = {}) => {
    const res = await fetch(server.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(role ? { authorization: `Bearer ${tokenFor(role)}` } : {}),
        ...headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, body: (await res.json()) as GqlResponse<any>['body'], headers: res.headers };
  };
  return {
    ds,
    server,
    gql,
    async ok(query, variables, role) {
      const r = await gql(query, variables, role ?? Role.ADMIN);
      if (r.body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(r.body.errors)}`);
      return r.body.data as any;
    },
    async close() {
      await server.stop();
      await release();
    },
  };
}
