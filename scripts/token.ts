import { signToken } from '../src/common/auth/jwt';
import { Role } from '../src/common/graphql/enums';
import { ConfigError, loadConfig } from '../src/config/config';

/** npm run token -- --role SALES --sub someone@example.com [--hours 1] : prints a signed HS256 token for this config. */
function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

try {
  const config = loadConfig();
  const role = (arg('role', 'ADMIN') ?? '').toUpperCase();
  if (!(Object.values(Role) as string[]).includes(role)) {
    console.error(`--role must be one of ${Object.values(Role).join(', ')}`);
    process.exit(2);
  }
  const hours = Number(arg('hours', '1'));
  const maxHours = config.jwt.maxLifetimeSeconds / 3600;
  if (!Number.isFinite(hours) || hours <= 0 || hours > maxHours) {
    console.error(`--hours must be a number above 0 and at most ${maxHours} (JWT_MAX_LIFETIME_SECONDS)`);
    process.exit(2);
  }
  const sub = arg('sub', 'admin@demo.example')!;
  console.log(signToken({ sub, role: role as Role }, config.jwt, Math.round(hours * 3600)));
} catch (e) {
  console.error(e instanceof ConfigError ? e.message : String(e));
  process.exit(1);
}
