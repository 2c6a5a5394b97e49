import path from 'node:path';

/** The one typed view of the environment. Nothing else reads process.env. */
export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  /** External PostgreSQL; when absent the embedded server is used. */
  databaseUrl: string | null;
  /** Where the embedded PostgreSQL keeps its data. */
  dataDir: string;
  embeddedPgPort: number;
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
  };
  seedDemo: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** x-sql-statements response header (statements per request); on outside production, opt-in for benchmarks. */
  sqlStatementsHeader: boolean;
  /** Pool and statement limits for the API's connections. */
  db: { poolSize: number; statementTimeoutMs: number; connectTimeoutMs: number };
  /** When set, GET /metrics needs `Authorization: Bearer <this>`. */
  metricsToken: string | null;
  /** Password set on the bi_reader role after migrating (null: left as it is); the embedded dev database defaults it. */
  biReaderPassword: string | null;
  /** Query shape and cost limits; the cost bucket is per principal (role + sub), Shopify-style. */
  limits: {
    maxCost: number;
    bucketCapacity: number;
    refillPerSecond: number;
  };
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const DEV_SECRET = 'dev-only-secret-do-not-use-in-production-0123456789';
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

/** Parses and validates the environment once; throws ConfigError listing every problem. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const nodeEnv = oneOf(env, 'NODE_ENV', NODE_ENVS, 'development', problems);
  const jwksFile = env.JWT_JWKS_FILE || null;
  const jwksUrl = env.JWT_JWKS_URL || null;
  if (jwksFile && jwksUrl) problems.push('Set JWT_JWKS_FILE or JWT_JWKS_URL, not both');
  if (jwksUrl && !/^https:\/\//.test(jwksUrl) && !/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(jwksUrl)) problems.push('JWT_JWKS_URL must be https (or http on loopback)');
  const secret = env.JWT_SECRET || (nodeEnv === 'production' || jwksFile || jwksUrl ? '' : DEV_SECRET);
  if (!secret && !jwksFile && !jwksUrl) problems.push('JWT_SECRET (or JWT_JWKS_FILE / JWT_JWKS_URL) is required when NODE_ENV=production');
  else if (secret && secret.length < 32) problems.push('JWT_SECRET must be at least 32 characters (HS256 needs a 256-bit key)');
  const config: Config = {
    nodeEnv,
    port: int(env, 'PORT', 4000, 0, 65535, problems),
    databaseUrl: databaseUrl(env, problems),
    dataDir: path.resolve(env.DATA_DIR || '.data'),
    embeddedPgPort: int(env, 'EMBEDDED_PG_PORT', 54329, 1024, 65535, problems),
    jwt: {
      secret,
      issuer: env.JWT_ISSUER || 'revenue-funnel',
      audience: env.JWT_AUDIENCE || 'revenue-funnel-api',
      maxLifetimeSeconds: int(env, 'JWT_MAX_LIFETIME_SECONDS', 86_400, 60, 31 * 86_400, problems),
      jwksFile: jwksFile ? path.resolve(jwksFile) : null,
      jwksUrl,
      jwksRefreshSeconds: int(env, 'JWT_JWKS_REFRESH_SECONDS', 60, 0, 86_400, problems),
    },
    seedDemo: bool(env, 'SEED_DEMO', true, problems),
    sqlStatementsHeader: bool(env, 'SQL_STATEMENTS_HEADER', nodeEnv !== 'production', problems),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'warn' : 'info', problems),
    db: {
      poolSize: int(env, 'DB_POOL_SIZE', 10, 1, 200, problems),
      statementTimeoutMs: int(env, 'DB_STATEMENT_TIMEOUT_MS', 15000, 100, 3_600_000, problems),
      connectTimeoutMs: int(env, 'DB_CONNECT_TIMEOUT_MS', 2000, 100, 120_000, problems),
    },
    metricsToken: env.METRICS_TOKEN || null,
    biReaderPassword: env.BI_READER_PASSWORD || (!env.DATABASE_URL && nodeEnv !== 'production' ? 'bi-reader-dev' : null),
    limits: {
      maxCost: int(env, 'COST_LIMIT', 1000, 10, 1_000_000, problems),
      bucketCapacity: int(env, 'RATE_BUCKET_CAPACITY', 2000, 10, 1_000_000_000, problems),
      refillPerSecond: int(env, 'RATE_REFILL_PER_SECOND', 100, 1, 1_000_000_000, problems),
    },
  };
  if (config.biReaderPassword !== null && config.biReaderPassword.length < 8) problems.push('BI_READER_PASSWORD must be at least 8 characters');
  if (problems.length) throw new ConfigError(problems);
  return config;
}
