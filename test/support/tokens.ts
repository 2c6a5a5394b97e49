import { signToken } from '../../src/common/auth/jwt';
import { Role } from '../../src/common/graphql/enums';
import { loadConfig } from '../../src/config/config';

export const testConfig = loadConfig({
  NODE_ENV: 'test',
  PORT: '0',
  JWT_SECRET: 'Qm7vK2pX9rT4wZ8nB3cF6hJ1sD5gL0yA-tests-only',
  LOG_LEVEL: 'warn',
  // the suites fire thousands of queries per principal; the cost bucket has its own test with a small one
  RATE_BUCKET_CAPACITY: '1000000000',
  RATE_REFILL_PER_SECOND: '1000000000',
});

export function tokenFor(role: Role, sub = `${role.toLowerCase()}@test.example`): string {
  return signToken({ sub, role }, testConfig.jwt);
}
