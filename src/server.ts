import http from 'node:http';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { GraphQLError } from 'graphql';
import { DataSource } from 'typeorm';
import { authorizationHeader, bearerCredential, bearerToken, cachedVerifier, loggingFailures } from './common/auth/jwt';
import { keyStoreFor } from './common/auth/keys';
import { createLoaders } from './loaders';
import { AppError } from './common/errors/app-error';
import { formatError } from './common/errors/format-error';
import { jsonBody, MAX_TOKENS } from './common/limits/body-size';
import { limitsPlugin, OperationLimits } from './common/limits/limits.plugin';
import { openCostBuckets } from './common/limits/redis-buckets';
import { dbFaultPlugin } from './common/errors/db-fault.plugin';
import { corsMiddleware } from './common/http/cors';
import { idempotencyPlugin } from './common/idempotency/idempotency.plugin';
import { LIMIT_RULES, MAX_VALIDATION_ERRORS } from './common/limits/validation-rules';
import { Config } from './config/config';
import { Context } from './context';
import { currentScope, RequestScope, runInScope } from './common/request/request-scope';
import { serviceTransactions } from './container';
import { buildAppSchema } from './schema';
import { exportRouter } from './modules/export/export.routes';
import { exportTokenViewer } from './modules/export/export-token.service';
import { Viewer } from './common/auth/viewer';
import { own } from './common/lookup';
import { webRouter } from './web/web.routes';
import { Metrics } from './common/metrics/metrics';
import { DIRTY_TABLES } from './modules/analytics/rollups';
import { logger, setLogLevel } from './common/log/logger';
import { ChangeFeed } from './modules/changes/change-feed';
import { subscriptionServer } from './modules/changes/subscription-server';
import { WebhookDispatcher } from './modules/webhooks/webhook-dispatcher';
import { resumeBackfill } from './modules/qualification/activation';
import { readAfterLsn, readerFor, replicasFor } from './db/read-routing';
import { READ_AFTER_LSN_HEADER, readRoutingPlugin, WRITE_LSN_HEADER } from './db/read-routing.plugin';

export interface RunningServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Request id, SQL statement counting, (outside production) an x-sql-statements response header, and one access line
 * when the response is sent — also for a request refused before GraphQL ran (a bad token, a body too large): `kind`
 * (graphql, export), method, path, status, milliseconds, principal and role, the operation's cost, name, type,
 * outcome and error codes, and its SQL statements. Never a token or a query string (export parameters can carry one).
 */
function requestScope(exposeStatements: boolean, kind: 'graphql' | 'export'): express.RequestHandler {
  return (req, res, next) => {
    const given = req.header('x-request-id');
    const started = process.hrtime.bigint();
    const scope: RequestScope = { requestId: given && REQUEST_ID.test(given) ? given : randomUUID(), statements: 0 };
    res.setHeader('x-request-id', scope.requestId);
    const afterLsn = readAfterLsn(req.header(READ_AFTER_LSN_HEADER));
    if (afterLsn === null) {
      res.status(400).json({
        errors: [
          {
            message: `${READ_AFTER_LSN_HEADER} must be a WAL position as ${WRITE_LSN_HEADER} gives it (e.g. 0/16B3748)`,
            extensions: { code: 'BAD_USER_INPUT', field: READ_AFTER_LSN_HEADER },
          },
        ],
      });
      return;
    }
    if (afterLsn !== undefined) scope.reads = { afterLsn };
    res.on('finish', () =>
      logger.info(kind, {
        requestId: scope.requestId,
        method: req.method,
        path: req.originalUrl.split('?')[0],
        status: res.statusCode,
        ms: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10,
        principal: scope.actor?.sub,
        role: scope.actor?.role,
        cost: scope.cost,
        ...scope.operation,
        statements: scope.statements,
      }),
    );
    if (exposeStatements) {
      const writeHead = res.writeHead;
      res.writeHead = function (this: typeof res, ...args: Parameters<typeof writeHead>) {
        if (!this.headersSent) this.setHeader('x-sql-statements', String(scope.statements));
        return writeHead.apply(this, args);
      } as typeof writeHead;
    }
    runInScope(scope, next);
  };
}

/** Compares a presented token with the configured one in constant time. */
function sameSecret(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

/** Builds and starts the HTTP server: /healthz, /readyz and /graphql (Apollo on Express 5). */
export async function createServer(
  config: Config,
  ds: DataSource,
  port = config.port,
  isReady: () => boolean = () => true,
  /** The clock of the cost buckets and idempotency leases (tests move it instead of sleeping). */
  now: () => number = Date.now,
): Promise<RunningServer> {
  setLogLevel(config.logLevel);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false); // GraphQL responses are POST results: hashing every body for an ETag is CPU for nothing
  const verifyToken = cachedVerifier(config.jwt, keyStoreFor(config.jwt));
  const httpVerify = loggingFailures(verifyToken, 'http');
  const httpServer = http.createServer(
    {
      // slow clients (slowloris): headers and whole requests must arrive in time; checked every second, not Node's 30 s
      headersTimeout: config.http.headersTimeoutMs,
      requestTimeout: config.http.requestTimeoutMs,
      keepAliveTimeout: config.http.keepAliveTimeoutMs,
      connectionsCheckingInterval: 1000,
      maxHeaderSize: 16 * 1024,
    },
    app,
  );
  httpServer.maxConnections = config.http.maxConnections;
  httpServer.maxRequestsPerSocket = 10_000;
  let shuttingDown = false;

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      if (shuttingDown || !isReady()) throw new Error('not ready');
      await Promise.race([
        ds.query('SELECT 1'),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 1000)),
      ]);
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'unavailable' });
    }
  });

  /** A request's context for a verified caller: the caller noted in the request scope (audit, access line), fresh DataLoaders. */
  const contextAs = (viewer: Viewer, db?: DataSource): Context => {
    const scope = currentScope();
    if (scope) scope.actor = { sub: viewer.sub, role: viewer.role };
    return db ? { viewer, loaders: createLoaders(db), db } : { viewer, loaders: createLoaders(ds) };
  };

  /** Who is calling (Bearer JWT) and fresh DataLoaders: the context of a GraphQL request and of an export. */
  const contextFor = async (req: express.Request, db?: DataSource): Promise<Context> => {
    let viewer;
    try {
      const token = bearerToken(authorizationHeader(req));
      if (!token) throw unauthenticated('A bearer token is required (Authorization: Bearer <JWT>)');
      viewer = await httpVerify(token);
    } catch (e) {
      throw e instanceof AppError ? unauthenticated(e.message) : e;
    }
    return contextAs(viewer, db);
  };

  /**
   * An export's context: the Bearer JWT, or an export token in the URL (?token=, for spreadsheet tools that cannot
   * send headers), which stands for ANALYST; both at once are refused (which one is meant?).
   */
  const exportContextFor = async (req: express.Request): Promise<Context> => {
    // an export reads its records from a replica when one may serve it (its analytics route themselves)
    const db = replicasFor(ds) ? readerFor(ds) : undefined;
    const urlToken = own(req.query as Record<string, unknown>, 'token');
    if (urlToken === undefined) return contextFor(req, db);
    if (authorizationHeader(req) !== undefined)
      throw unauthenticated('Send either an Authorization header or ?token=, not both');
    const viewer = typeof urlToken === 'string' ? await exportTokenViewer(ds, urlToken) : null;
    if (!viewer) {
      logger.warn('authentication failed', { door: 'export-token', reason: 'unknown, expired or revoked token' });
      throw unauthenticated('The export token is unknown, expired or revoked');
    }
    return contextAs(viewer, db);
  };

  const whenReady: express.RequestHandler = (_req, res, next) => {
    if (isReady()) return next();
    res.status(503).setHeader('retry-after', '2');
    res.json({
      errors: [
        {
          message: 'The service is starting: the database is not reachable yet',
          extensions: { code: 'RATE_LIMITED', reason: 'DATABASE_UNAVAILABLE', retryAfter: 2 },
        },
      ],
    });
  };

  const metrics = new Metrics(ds, DIRTY_TABLES);
  app.get('/metrics', async (req, res) => {
    let given: string | null = null;
    try {
      given = bearerCredential(authorizationHeader(req));
    } catch {
      /* two headers: refused below */
    }
    if (config.metricsToken && !sameSecret(given, config.metricsToken)) {
      res.status(401).json({
        errors: [
          {
            message: 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>',
            extensions: { code: 'UNAUTHENTICATED' },
          },
        ],
      });
      return;
    }
    res.setHeader('content-type', metrics.registry.contentType);
    res.end(await metrics.registry.metrics());
  });
  // LISTEN needs a session of its own: the primary itself when the service's URL is a transaction pooler
  const changes = new ChangeFeed(() => config.db.directUrl ?? (ds.options as { url?: string }).url ?? null, ds);
  const deps = { ds, transactions: serviceTransactions(ds), changes, webhooks: config.webhooks };
  const dispatcher = config.webhooks.dispatch
    ? new WebhookDispatcher(ds, config.webhooks, changes, (outcome) => metrics.webhookAttempts.inc({ outcome }))
    : null;
  const schema = buildAppSchema(deps);
  const buckets = await openCostBuckets(config.limits, logger, now);
  const limits = new OperationLimits(config.limits, buckets);
  const introspection = config.nodeEnv !== 'production';
  const subscriptions = subscriptionServer(httpServer, schema, deps, {
    cors: config.cors,
    verify: loggingFailures(verifyToken, 'websocket'),
    gauges: { connections: metrics.websocketConnections, subscriptions: metrics.subscriptions },
    limits,
    introspection,
  });
  const apollo = new ApolloServer<Context>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    // production: no schema discovery (introspection, "Did you mean …" suggestions); development keeps them for tools
    introspection,
    hideSchemaDetailsFromClientErrors: config.nodeEnv === 'production',
    allowBatchedHttpRequests: false,
    persistedQueries: false,
    csrfPrevention: true,
    parseOptions: { maxTokens: MAX_TOKENS },
    // the same rules as the WebSocket door (LIMIT_RULES bound depth and recursive selections, linear in the document)
    validationRules: LIMIT_RULES,
    validationOptions: { maxErrors: MAX_VALIDATION_ERRORS },
    // compact JSON: Apollo pretty-prints by default (2-space indent), which costs CPU and bytes on every response
    stringifyResult: (value) => JSON.stringify(value),
    plugins: [
      metrics.plugin(),
      limitsPlugin(limits),
      dbFaultPlugin(),
      ...(config.db.readUrls.length ? [readRoutingPlugin(ds)] : []),
      idempotencyPlugin(ds, now),
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginDrainHttpServer({ httpServer }),
      {
        async serverWillStart() {
          return { drainServer: () => subscriptions.dispose() };
        },
      },
      ...(config.nodeEnv === 'production' ? [ApolloServerPluginLandingPageDisabled()] : []),
    ],
  });
  await apollo.start();

  const cors = corsMiddleware(config.cors);
  app.use(
    '/graphql',
    cors,
    requestScope(config.sqlStatementsHeader, 'graphql'),
    whenReady,
    ...jsonBody(),
    expressMiddleware(apollo, { context: ({ req }) => contextFor(req) }),
  );
  app.use(
    '/export',
    cors,
    requestScope(config.sqlStatementsHeader, 'export'),
    whenReady,
    exportRouter(apollo, schema, exportContextFor, (labels) => metrics.exports.inc(labels)),
  );
  app.use(webRouter({ graphiql: config.nodeEnv !== 'production', reporting: config.reporting }));
  app.use((_req, res) => {
    res.status(404).json({ errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] });
  });
  // Malformed JSON bodies and other request errors: a 4xx with a stable code, never a stack trace.
  app.use(
    (
      err: Error & { status?: number; type?: string },
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
      const code = status === 500 ? 'INTERNAL_SERVER_ERROR' : status === 413 ? 'BAD_USER_INPUT' : 'BAD_REQUEST';
      res
        .status(status)
        .json({ errors: [{ message: status === 500 ? 'Internal server error' : err.message, extensions: { code } }] });
    },
  );

  await new Promise<void>((resolve) => httpServer.listen(port, '0.0.0.0', resolve));
  // webhooks are delivered once the database is ready (migrated)
  const dispatchWhenReady = (): void => {
    if (shuttingDown || !dispatcher) return;
    if (!isReady()) return void setTimeout(dispatchWhenReady, 200).unref();
    dispatcher.start().catch((err: Error) => {
      logger.warn('webhook dispatcher not started yet; retrying', { err: err.message });
      setTimeout(dispatchWhenReady, 1000).unref();
    });
  };
  dispatchWhenReady();
  // an activation's evaluation of every lead that a crash interrupted is finished once the database is ready
  const backfillWhenReady = (): void => {
    if (shuttingDown) return;
    if (!isReady()) return void setTimeout(backfillWhenReady, 200).unref();
    void resumeBackfill(deps.transactions);
  };
  backfillWhenReady();
  const address = httpServer.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://localhost:${actualPort}/graphql`,
    port: actualPort,
    async stop() {
      shuttingDown = true;
      await dispatcher?.stop();
      await apollo.stop();
      await buckets.close?.();
    },
  };
}
