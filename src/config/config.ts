import { JWKS_ALGORITHMS, JwksAlgorithm } from '../common/auth/keys';
import os from 'node:os';
import path from 'node:path';

/**
 * The embedded PostgreSQL's shared_buffers: a quarter of the machine's memory (the usual starting point), at least
 * PostgreSQL's own default of 128 MB and at most 2 GB.
 */
export const defaultSharedBuffersMb = (totalBytes = os.totalmem()): number =>
  Math.min(2048, Math.max(128, Math.floor(totalBytes / 4 / 1024 / 1024)));

/** The one typed view of the environment. Nothing else reads process.env. */
export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  /** External PostgreSQL; when absent the embedded server is used. */
  databaseUrl: string | null;
  /** Where the embedded PostgreSQL keeps its data. */
  dataDir: string;
  embeddedPgPort: number;
  /** shared_buffers of the embedded PostgreSQL in MB (default: a quarter of the machine's memory, 128–2,048). */
  embeddedPgSharedBuffersMb: number;
  jwt: {
    /** HS256 secret; unused when a JWKS is configured (RS256). */
    secret: string;
    issuer: string;
    audience: string;
    maxLifetimeSeconds: number;
    /** RS256 keys by kid from a JWKS file or URL (one of them); null → HS256 with the secret. */
    jwksFile: string | null;
    jwksUrl: string | null;
    jwksRefreshSeconds: number;
    /** The JWKS deployment's one algorithm (JWT_ALGORITHM: RS256, PS256, ES256 or EdDSA). */
    algorithm: JwksAlgorithm;
  };
  seedDemo: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** x-sql-statements response header (statements per request); on outside production, opt-in for benchmarks. */
  sqlStatementsHeader: boolean;
  /** Pool and statement limits for the API's connections. */
  db: {
    poolSize: number;
    statementTimeoutMs: number;
    connectTimeoutMs: number;
    /** DATABASE_READ_URLS: streaming replicas the analytics and exports read from (empty: everything on the primary). */
    readUrls: string[];
    /** MAX_REPLICA_LAG_MS: a replica further behind than this is skipped (the primary answers instead). */
    maxReplicaLagMs: number;
    /** REPLICA_POLL_MS: how often each replica's replay position and lag are read. */
    replicaPollMs: number;
    /**
     * DB_POOLER=transaction: DATABASE_URL is a pooler in transaction mode (PgBouncer): no named prepared statements, no
     * session settings in the start-up packet; what needs a session (LISTEN, migrations under their lock) uses directUrl.
     */
    pooler: 'none' | 'transaction';
    /** DATABASE_DIRECT_URL: the primary itself, for session features (required with DB_POOLER=transaction). */
    directUrl: string | null;
  };
  /** When set, GET /metrics needs `Authorization: Bearer <this>`; production requires it unless METRICS_PUBLIC=true. */
  metricsToken: string | null;
  /** Password set on the bi_reader role after migrating (null: left as it is); the embedded dev database defaults it. */
  biReaderPassword: string | null;
  /** BI_READER_DISABLED=true: the bi_reader role may not log in (the opt-out from BI_READER_PASSWORD in production). */
  biReaderDisabled: boolean;
  /** Longest a bi_reader statement may run; a watchdog cancels longer ones even when the session lifted its timeout. */
  biStatementTimeoutMs: number;
  /** The first month (1–12) of the fiscal year in bi.calendar. */
  fiscalYearStartMonth: number;
  /** How the dashboard shows periods and money: the IANA time zone its dates are days of, the currency amounts are in. */
  reporting: { timeZone: string; currency: string };
  /** Browser front ends on other origins: exact origins allowed by CORS, and whether they may send credentials. */
  cors: { origins: string[]; credentials: boolean };
  /** Node's HTTP server limits (slow clients): time to send the headers, the whole request, idle keep-alive; open sockets. */
  http: { headersTimeoutMs: number; requestTimeoutMs: number; keepAliveTimeoutMs: number; maxConnections: number };
  /** Query shape and cost limits; the cost bucket is per principal (role + sub), Shopify-style. */
  limits: {
    maxCost: number;
    bucketCapacity: number;
    refillPerSecond: number;
    /** REDIS_URL: the buckets live in Redis, shared by every instance (null: in this process). */
    redisUrl: string | null;
  };
  /** Webhook delivery (the outbox's dispatcher) and change retention. */
  webhooks: WebhookConfig;
}

export interface WebhookConfig {
  /** Whether this instance delivers webhooks (every instance may: deliveries are claimed with SKIP LOCKED); off under NODE_ENV=test. */
  dispatch: boolean;
  /** Private, loopback and link-local targets allowed (tests, a trusted network); off by default (SSRF). */
  allowPrivate: boolean;
  /** Attempts before a delivery is DEAD; the wait before attempt n+1 is min(max, base × factor^(n-1)), jittered. */
  maxAttempts: number;
  backoffBaseMs: number;
  backoffFactor: number;
  backoffMaxMs: number;
  /** One attempt's time limit (connect to end of response); a claimed delivery's lease is twice this plus a second. */
  timeoutMs: number;
  /** Deliveries in flight at once per instance. */
  concurrency: number;
  /** How often due retries are looked for without a wake-up. */
  pollMs: number;
  /** Days change events are kept (subscription resume reaches this far back). */
  retentionDays: number;
  /** Days delivered and dead deliveries are kept in the delivery log. */
  deliveryRetentionDays: number;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const DEV_SECRET = 'dev-only-secret-do-not-use-in-production-0123456789';
/** Words of example and placeholder secrets (docs, compose files, tutorials): never a production secret. */
const PLACEHOLDER =
  /change[-_ ]?me|replace[-_ ]?me|your[-_ ]?(own[-_ ]?)?secret|placeholder|example|dev[-_ ]?only|do[-_ ]?not[-_ ]?use|insecure|not[-_ ]?secure|default[-_ ]?secret|s3cr3t|password|secret[-_ ]?key|test[-_ ]?secret|changeit/i;
/** Shannon entropy of the secret's own characters × its length, in bits: a rough floor on how guessable it is. */
export function estimatedEntropyBits(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / s.length) * Math.log2(n / s.length);
  return h * s.length;
}
/** A production secret (JWT, BI password, metrics token): no placeholder words, and at least `bits` of estimated entropy. */
function checkProductionSecret(key: string, value: string, bits: number, problems: string[]): void {
  if (PLACEHOLDER.test(value))
    problems.push(`${key} looks like a placeholder or example value; generate one (e.g. openssl rand -base64 48)`);
  else if (estimatedEntropyBits(value) < bits)
    problems.push(
      `${key} is too predictable (about ${Math.floor(estimatedEntropyBits(value))} bits; at least ${bits} wanted); generate one (e.g. openssl rand -base64 48)`,
    );
}
const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
const NODE_ENVS = ['development', 'production', 'test'] as const;

type Env = Record<string, string | undefined>;

function oneOf<T extends string>(env: Env, key: string, allowed: readonly T[], fallback: T, problems: string[]): T {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  problems.push(`${key} must be one of ${allowed.join(', ')} (got "${raw}")`);
  return fallback;
}

function int(env: Env, key: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    problems.push(`${key} must be a whole number from ${min} to ${max} (got "${raw}")`);
    return fallback;
  }
  return Number(raw);
}

/** An IANA time zone the runtime knows (Intl), e.g. Europe/Berlin; UTC when unset. */
function timeZone(env: Env, key: string, problems: string[]): string {
  const raw = env[key] || 'UTC';
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: raw }).resolvedOptions().timeZone;
  } catch {
    problems.push(`${key} must be an IANA time zone such as Europe/Berlin (got "${raw}")`);
    return 'UTC';
  }
}

/** An ISO 4217 currency code (three letters, known to Intl), e.g. EUR; USD when unset. */
function currency(env: Env, key: string, problems: string[]): string {
  const raw = env[key] || 'USD';
  const known = /^[A-Z]{3}$/.test(raw) && (Intl.supportedValuesOf('currency') as string[]).includes(raw);
  if (!known) problems.push(`${key} must be an ISO 4217 currency code such as EUR (got "${raw}")`);
  return known ? raw : 'USD';
}

function bool(env: Env, key: string, fallback: boolean, problems: string[]): boolean {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  if (/^(true|1|yes)$/i.test(raw)) return true;
  if (/^(false|0|no)$/i.test(raw)) return false;
  problems.push(`${key} must be true or false (got "${raw}")`);
  return fallback;
}

function databaseUrl(env: Env, problems: string[]): string | null {
  const raw = env.DATABASE_URL;
  if (raw === undefined || raw === '') return null;
  try {
    const url = new URL(raw);
    if (!/^postgres(ql)?:$/.test(url.protocol)) throw new Error('protocol');
    return raw;
  } catch {
    problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL');
    return null;
  }
}

const POOLERS = ['none', 'transaction'] as const;

/** DATABASE_DIRECT_URL: a postgres URL; required when DB_POOLER=transaction (LISTEN and locks need a session). */
function directUrl(env: Env, problems: string[]): string | null {
  const raw = env.DATABASE_DIRECT_URL;
  if (raw === undefined || raw === '') {
    if (env.DB_POOLER === 'transaction')
      problems.push('DB_POOLER=transaction needs DATABASE_DIRECT_URL (the primary itself, for LISTEN and migrations)');
    return null;
  }
  if (databaseUrl({ DATABASE_URL: raw }, []) === null)
    problems.push('DATABASE_DIRECT_URL must be a postgres:// or postgresql:// URL');
  return raw;
}

/** DATABASE_READ_URLS: comma-separated postgres:// URLs, each a streaming replica of DATABASE_URL. */
function readUrls(env: Env, problems: string[]): string[] {
  const raw = env.DATABASE_READ_URLS;
  if (raw === undefined || raw.trim() === '') return [];
  const urls = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!env.DATABASE_URL) problems.push('DATABASE_READ_URLS needs DATABASE_URL (the primary they replicate)');
  for (const [i, u] of urls.entries())
    if (databaseUrl({ DATABASE_URL: u }, []) === null)
      problems.push(`DATABASE_READ_URLS item ${i + 1} must be a postgres:// or postgresql:// URL`);
  return urls;
}

function redisUrl(env: Env, problems: string[]): string | null {
  const raw = env.REDIS_URL;
  if (raw === undefined || raw === '') return null;
  try {
    if (!/^rediss?:$/.test(new URL(raw).protocol)) throw new Error('protocol');
    return raw;
  } catch {
    problems.push('REDIS_URL must be a redis:// or rediss:// URL');
    return null;
  }
}

/**
 * CORS_ORIGINS: exact origins (scheme, host, port; no path, no wildcard), comma-separated. Each is normalised as the
 * browser sends it (`https://app.example.com`, default ports dropped).
 */
function corsOrigins(env: Env, problems: string[]): string[] {
  const raw = env.CORS_ORIGINS;
  if (raw === undefined || raw.trim() === '') return [];
  const out: string[] = [];
  for (const item of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    try {
      const u = new URL(item);
      if (!/^https?:$/.test(u.protocol) || u.origin !== item.replace(/\/$/, '') || u.username || item.includes('*'))
        throw new Error('not an origin');
      out.push(u.origin);
    } catch {
      problems.push(`CORS_ORIGINS must list exact origins such as https://app.example.com (got "${item}")`);
    }
  }
  return out;
}

/** Parses and validates the environment once; throws ConfigError listing every problem. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const nodeEnv = oneOf(env, 'NODE_ENV', NODE_ENVS, 'development', problems);
  const jwksFile = env.JWT_JWKS_FILE || null;
  const jwksUrl = env.JWT_JWKS_URL || null;
  if (jwksFile && jwksUrl) problems.push('Set JWT_JWKS_FILE or JWT_JWKS_URL, not both');
  if (jwksUrl && !/^https:\/\//.test(jwksUrl) && !/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(jwksUrl))
    problems.push('JWT_JWKS_URL must be https (or http on loopback)');
  const secret = env.JWT_SECRET || (nodeEnv === 'production' || jwksFile || jwksUrl ? '' : DEV_SECRET);
  if (!secret && !jwksFile && !jwksUrl)
    problems.push('JWT_SECRET (or JWT_JWKS_FILE / JWT_JWKS_URL) is required when NODE_ENV=production');
  else if (secret && secret.length < 32)
    problems.push('JWT_SECRET must be at least 32 characters (HS256 needs a 256-bit key)');
  const config: Config = {
    nodeEnv,
    port: int(env, 'PORT', 4000, 0, 65535, problems),
    databaseUrl: databaseUrl(env, problems),
    dataDir: path.resolve(env.DATA_DIR || '.data'),
    embeddedPgPort: int(env, 'EMBEDDED_PG_PORT', 54329, 1024, 65535, problems),
    embeddedPgSharedBuffersMb: int(
      env,
      'EMBEDDED_PG_SHARED_BUFFERS_MB',
      defaultSharedBuffersMb(),
      16,
      1_048_576,
      problems,
    ),
    jwt: {
      secret,
      issuer: env.JWT_ISSUER || 'revenue-funnel',
      audience: env.JWT_AUDIENCE || 'revenue-funnel-api',
      maxLifetimeSeconds: int(env, 'JWT_MAX_LIFETIME_SECONDS', 86_400, 60, 31 * 86_400, problems),
      jwksFile: jwksFile ? path.resolve(jwksFile) : null,
      jwksUrl,
      jwksRefreshSeconds: int(env, 'JWT_JWKS_REFRESH_SECONDS', 60, 0, 86_400, problems),
      algorithm: oneOf(env, 'JWT_ALGORITHM', JWKS_ALGORITHMS, 'RS256', problems),
    },
    seedDemo: bool(env, 'SEED_DEMO', true, problems),
    sqlStatementsHeader: bool(env, 'SQL_STATEMENTS_HEADER', nodeEnv !== 'production', problems),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'warn' : 'info', problems),
    db: {
      poolSize: int(env, 'DB_POOL_SIZE', 10, 1, 200, problems),
      statementTimeoutMs: int(env, 'DB_STATEMENT_TIMEOUT_MS', 15000, 100, 3_600_000, problems),
      connectTimeoutMs: int(env, 'DB_CONNECT_TIMEOUT_MS', 2000, 100, 120_000, problems),
      readUrls: readUrls(env, problems),
      maxReplicaLagMs: int(env, 'MAX_REPLICA_LAG_MS', 2000, 0, 3_600_000, problems),
      replicaPollMs: int(env, 'REPLICA_POLL_MS', 500, 10, 60_000, problems),
      pooler: oneOf(env, 'DB_POOLER', POOLERS, 'none', problems),
      directUrl: directUrl(env, problems),
    },
    metricsToken: env.METRICS_TOKEN || null,
    biReaderPassword:
      env.BI_READER_PASSWORD || (!env.DATABASE_URL && nodeEnv !== 'production' ? 'bi-reader-dev' : null),
    biReaderDisabled: bool(env, 'BI_READER_DISABLED', false, problems),
    cors: { origins: corsOrigins(env, problems), credentials: bool(env, 'CORS_CREDENTIALS', false, problems) },
    biStatementTimeoutMs: int(env, 'BI_STATEMENT_TIMEOUT_MS', 30_000, 100, 3_600_000, problems),
    fiscalYearStartMonth: int(env, 'FISCAL_YEAR_START_MONTH', 1, 1, 12, problems),
    reporting: {
      timeZone: timeZone(env, 'REPORTING_TIME_ZONE', problems),
      currency: currency(env, 'REPORTING_CURRENCY', problems),
    },
    http: {
      headersTimeoutMs: int(env, 'HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 600_000, problems),
      requestTimeoutMs: int(env, 'HTTP_REQUEST_TIMEOUT_MS', 60_000, 100, 3_600_000, problems),
      keepAliveTimeoutMs: int(env, 'HTTP_KEEP_ALIVE_TIMEOUT_MS', 5_000, 100, 600_000, problems),
      maxConnections: int(env, 'HTTP_MAX_CONNECTIONS', 1_000, 1, 1_000_000, problems),
    },
    limits: {
      maxCost: int(env, 'COST_LIMIT', 1000, 10, 1_000_000, problems),
      bucketCapacity: int(env, 'RATE_BUCKET_CAPACITY', 2000, 10, 1_000_000_000, problems),
      refillPerSecond: int(env, 'RATE_REFILL_PER_SECOND', 100, 1, 1_000_000_000, problems),
      redisUrl: redisUrl(env, problems),
    },
    webhooks: {
      // tests share one database: only the webhook tests' servers deliver (a stray dispatcher would claim theirs)
      dispatch: bool(env, 'WEBHOOK_DISPATCH', nodeEnv !== 'test', problems),
      allowPrivate: bool(env, 'WEBHOOK_ALLOW_PRIVATE', false, problems),
      maxAttempts: int(env, 'WEBHOOK_MAX_ATTEMPTS', 10, 1, 100, problems),
      backoffBaseMs: int(env, 'WEBHOOK_BACKOFF_BASE_MS', 30_000, 1, 86_400_000, problems),
      backoffFactor: int(env, 'WEBHOOK_BACKOFF_FACTOR', 4, 1, 100, problems),
      backoffMaxMs: int(env, 'WEBHOOK_BACKOFF_MAX_MS', 6 * 3_600_000, 1, 7 * 86_400_000, problems),
      timeoutMs: int(env, 'WEBHOOK_TIMEOUT_MS', 10_000, 100, 600_000, problems),
      concurrency: int(env, 'WEBHOOK_CONCURRENCY', 16, 1, 1000, problems),
      pollMs: int(env, 'WEBHOOK_POLL_MS', 1_000, 10, 600_000, problems),
      retentionDays: int(env, 'CHANGE_RETENTION_DAYS', 7, 1, 3650, problems),
      deliveryRetentionDays: int(env, 'WEBHOOK_DELIVERY_RETENTION_DAYS', 30, 1, 3650, problems),
    },
  };

  if (config.biReaderPassword !== null && config.biReaderPassword.length < 8)
    problems.push('BI_READER_PASSWORD must be at least 8 characters');
  if (config.http.headersTimeoutMs > config.http.requestTimeoutMs)
    problems.push('HTTP_HEADERS_TIMEOUT_MS must not be over HTTP_REQUEST_TIMEOUT_MS');
  if (nodeEnv === 'production') {
    // safe by default: a deployment that copied an example value, or forgot a credential, does not start
    if (env.JWT_SECRET && secret.length >= 32) checkProductionSecret('JWT_SECRET', secret, 100, problems);
    const metricsPublic = bool(env, 'METRICS_PUBLIC', false, problems);
    if (config.metricsToken) checkProductionSecret('METRICS_TOKEN', config.metricsToken, 48, problems);
    else if (!metricsPublic)
      problems.push(
        'METRICS_TOKEN is required when NODE_ENV=production (or METRICS_PUBLIC=true to serve /metrics without a token)',
      );
    if (config.biReaderPassword) checkProductionSecret('BI_READER_PASSWORD', config.biReaderPassword, 48, problems);
    else if (!config.biReaderDisabled)
      problems.push(
        'BI_READER_PASSWORD is required when NODE_ENV=production (or BI_READER_DISABLED=true to keep the bi_reader role from logging in)',
      );
  }
  if (problems.length) throw new ConfigError(problems);
  return config;
}
