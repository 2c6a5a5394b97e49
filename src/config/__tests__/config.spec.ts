import { ConfigError, loadConfig } from '../config';

describe('loadConfig', () => {
  it('has working defaults for development', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ nodeEnv: 'development', port: 4000, databaseUrl: null, seedDemo: true, logLevel: 'info' });
    expect(c.dataDir.endsWith('.data')).toBe(true);
    expect(c.jwt.secret.length).toBeGreaterThanOrEqual(32);
  });

  it('reads every key', () => {
    const c = loadConfig({
      NODE_ENV: 'production', PORT: '8080', DATABASE_URL: 'postgres://u:p@db:5432/funnel', DATA_DIR: '/tmp/x',
      JWT_SECRET: 'x'.repeat(40), JWT_ISSUER: 'iss', JWT_AUDIENCE: 'aud', SEED_DEMO: 'false', LOG_LEVEL: 'warn',
    });
    expect(c).toMatchObject({ nodeEnv: 'production', port: 8080, databaseUrl: 'postgres://u:p@db:5432/funnel', dataDir: '/tmp/x', seedDemo: false, logLevel: 'warn', jwt: { issuer: 'iss', audience: 'aud' } });
  });

  it('lists every bad value at once and refuses to start', () => {
    let err: unknown;
    try {
      loadConfig({ NODE_ENV: 'production', PORT: 'eighty', DATABASE_URL: 'mysql://x', SEED_DEMO: 'maybe', LOG_LEVEL: 'loud' });
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
    ]);
  });

  it('refuses a short JWT secret', () => {
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/at least 32/);
  });
});
