import { signToken } from '../src/common/auth/jwt';
import { Role } from '../src/common/graphql/enums';
import { ConfigError, loadConfig } from '../src/config/config';

/** npm run token -- --role SALES --sub someone@example.com [--days 1] : prints a signed token for this config. */
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
  const days = Number(arg('days', '1'));
  if (!Number.isFinite(days) || days <= 0 || days > 366) {
    console.error('--days must be a number from 0 to 366');
    process.exit(2);
  }
  const sub = arg('sub', 'admin@demo.example')!;
  console.log(signToken({ sub, role: role as Role }, config.jwt, Math.round(days * 86400)));
} catch (e) {
  console.error(e instanceof ConfigError ? e.message : String(e));
  process.exit(1);
}
