import { ConfigError, defaultSharedBuffersMb, loadConfig } from '../config';

/** A secret as `openssl rand -base64 36` makes one. */
const STRONG = 'pG2s8Vd0Qk4LwZ7yTn1Xr9Bc3Hm6Fj5Ae2Uo8Ki4Ws';

describe('loadConfig', () => {
  it('has working defaults for development', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      nodeEnv: 'development',
      port: 4000,
      databaseUrl: null,
      seedDemo: true,
      logLevel: 'info',
    });
    expect(c.dataDir.endsWith('.data')).toBe(true);
    expect(c.jwt.secret.length).toBeGreaterThanOrEqual(32);
  });

  it('reads every key', () => {
    const c = loadConfig({
      NODE_ENV: 'production',
      PORT: '8080',
      DATABASE_URL: 'postgres://u:p@db:5432/funnel',
      DATA_DIR: '/tmp/x',
      JWT_SECRET: STRONG,
      JWT_ISSUER: 'iss',
      JWT_AUDIENCE: 'aud',
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      METRICS_TOKEN: 'Zr8wq2LkP5vN3mX7',
      BI_READER_PASSWORD: 'hT6yU1oI9pA4sD2f',
      HTTP_HEADERS_TIMEOUT_MS: '5000',
    });
    expect(c).toMatchObject({
      nodeEnv: 'production',
      port: 8080,
      databaseUrl: 'postgres://u:p@db:5432/funnel',
      dataDir: '/tmp/x',
      seedDemo: false,
      logLevel: 'warn',
      jwt: { issuer: 'iss', audience: 'aud' },
    });
  });

  it('production is safe by default: no placeholder or predictable secret, BI and metrics credentials required', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://u:p@db/f', ...env });
        return [];
      } catch (e) {
        return (e as ConfigError).problems;
      }
    };
    // the value docker-compose.yml used to fall back to: long enough, but anyone who reads the file can mint tokens
    expect(
      problems({
        JWT_SECRET: 'change-me-to-a-long-random-secret-of-32-chars-or-more',
        METRICS_PUBLIC: 'true',
        BI_READER_DISABLED: 'true',
      }),
    ).toEqual(['JWT_SECRET looks like a placeholder or example value; generate one (e.g. openssl rand -base64 48)']);
    expect(problems({ JWT_SECRET: 'x'.repeat(40), METRICS_PUBLIC: 'true', BI_READER_DISABLED: 'true' })[0]).toMatch(
      /^JWT_SECRET is too predictable \(about 0 bits/,
    );
    expect(
      problems({
        JWT_SECRET: 'abababababababababababababababab',
        METRICS_PUBLIC: 'true',
        BI_READER_DISABLED: 'true',
      })[0],
    ).toMatch(/^JWT_SECRET is too predictable \(about 32 bits/);
    expect(problems({ JWT_SECRET: STRONG })).toEqual([
      'METRICS_TOKEN is required when NODE_ENV=production (or METRICS_PUBLIC=true to serve /metrics without a token)',
      'BI_READER_PASSWORD is required when NODE_ENV=production (or BI_READER_DISABLED=true to keep the bi_reader role from logging in)',
    ]);
    expect(
      problems({ JWT_SECRET: STRONG, METRICS_TOKEN: 'aaaabbbbaaaabbbb', BI_READER_PASSWORD: 'password123' }),
    ).toEqual([
      'METRICS_TOKEN is too predictable (about 16 bits; at least 48 wanted); generate one (e.g. openssl rand -base64 48)',
      'BI_READER_PASSWORD looks like a placeholder or example value; generate one (e.g. openssl rand -base64 48)',
    ]);
    expect(problems({ JWT_SECRET: STRONG, METRICS_PUBLIC: 'true', BI_READER_DISABLED: 'true' })).toEqual([]);
    // development keeps its conveniences
    expect(() => loadConfig({ METRICS_TOKEN: 'abc', JWT_SECRET: 'x'.repeat(40) })).not.toThrow();
  });

  it('lists every bad value at once and refuses to start', () => {
    let err: unknown;
    try {
      loadConfig({
        NODE_ENV: 'production',
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        SEED_DEMO: 'maybe',
        LOG_LEVEL: 'loud',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([
      'JWT_SECRET (or JWT_JWKS_FILE / JWT_JWKS_URL) is required when NODE_ENV=production',
      'PORT must be a whole number from 0 to 65535 (got "eighty")',
      'DATABASE_URL must be a postgres:// or postgresql:// URL',
      'SEED_DEMO must be true or false (got "maybe")',
      'LOG_LEVEL must be one of debug, info, warn, error, silent (got "loud")',
      'METRICS_TOKEN is required when NODE_ENV=production (or METRICS_PUBLIC=true to serve /metrics without a token)',
      'BI_READER_PASSWORD is required when NODE_ENV=production (or BI_READER_DISABLED=true to keep the bi_reader role from logging in)',
    ]);
  });

  it('REDIS_URL: cost buckets in Redis when given (redis:// or rediss://), in this process by default', () => {
    const base = { JWT_SECRET: 'x'.repeat(40) };
    expect(loadConfig(base).limits.redisUrl).toBeNull();
    expect(loadConfig({ ...base, REDIS_URL: 'redis://cache:6379/2' }).limits.redisUrl).toBe('redis://cache:6379/2');
    expect(() => loadConfig({ ...base, REDIS_URL: 'http://cache' })).toThrow(
      /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/,
    );
  });

  it('DATABASE_READ_URLS: replicas of DATABASE_URL, comma-separated postgres URLs; lag bound 2,000 ms by default', () => {
    const base = { JWT_SECRET: 'x'.repeat(40), DATABASE_URL: 'postgres://app@primary/db' };
    expect(loadConfig(base).db).toMatchObject({ readUrls: [], maxReplicaLagMs: 2000, replicaPollMs: 500 });
    const two = loadConfig({
      ...base,
      DATABASE_READ_URLS: ' postgres://r@a/db , postgresql://r@b/db',
      MAX_REPLICA_LAG_MS: '500',
    });
    expect(two.db).toMatchObject({ readUrls: ['postgres://r@a/db', 'postgresql://r@b/db'], maxReplicaLagMs: 500 });
    expect(() => loadConfig({ ...base, DATABASE_READ_URLS: 'postgres://r@a/db,mysql://b' })).toThrow(
      /DATABASE_READ_URLS item 2 must be a postgres/,
    );
    expect(() => loadConfig({ JWT_SECRET: 'x'.repeat(40), DATABASE_READ_URLS: 'postgres://r@a/db' })).toThrow(
      /DATABASE_READ_URLS needs DATABASE_URL/,
    );
  });

  it('reporting: an IANA time zone and an ISO 4217 currency, UTC and USD by default; anything else refused by name', () => {
    const base = { JWT_SECRET: 'x'.repeat(40) };
    expect(loadConfig(base).reporting).toEqual({ timeZone: 'UTC', currency: 'USD' });
    expect(loadConfig({ ...base, REPORTING_TIME_ZONE: 'Europe/Berlin', REPORTING_CURRENCY: 'EUR' }).reporting).toEqual({
      timeZone: 'Europe/Berlin',
      currency: 'EUR',
    });
    let err: unknown;
    try {
      loadConfig({ ...base, REPORTING_TIME_ZONE: 'Mars/Olympus', REPORTING_CURRENCY: 'eur' });
    } catch (e) {
      err = e;
    }
    expect((err as ConfigError).problems).toEqual([
      'REPORTING_TIME_ZONE must be an IANA time zone such as Europe/Berlin (got "Mars/Olympus")',
      'REPORTING_CURRENCY must be an ISO 4217 currency code such as EUR (got "eur")',
    ]);
  });

  it("embedded PostgreSQL's shared_buffers: a quarter of memory within 128 MB – 2 GB, or EMBEDDED_PG_SHARED_BUFFERS_MB", () => {
    const GB = 1024 ** 3;
    expect(defaultSharedBuffersMb(0.25 * GB)).toBe(128);
    expect(defaultSharedBuffersMb(4 * GB)).toBe(1024);
    expect(defaultSharedBuffersMb(24 * GB)).toBe(2048);
    expect(loadConfig({}).embeddedPgSharedBuffersMb).toBe(defaultSharedBuffersMb());
    expect(loadConfig({ EMBEDDED_PG_SHARED_BUFFERS_MB: '512' }).embeddedPgSharedBuffersMb).toBe(512);
    expect(() => loadConfig({ EMBEDDED_PG_SHARED_BUFFERS_MB: '8' })).toThrow(/EMBEDDED_PG_SHARED_BUFFERS_MB/);
  });

  it('refuses a short JWT secret', () => {
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/at least 32/);
  });
});
