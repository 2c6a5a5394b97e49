import { signToken } from '../../src/common/auth/jwt';
import { Role } from '../../src/common/graphql/enums';
import { loadConfig } from '../../src/config/config';

export const testConfig = loadConfig({ NODE_ENV: 'test', PORT: '0', JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-0000', LOG_LEVEL: 'silent' });

export function tokenFor(role: Role, sub = `${role.toLowerCase()}@test.example`): string {
  return signToken({ sub, role }, testConfig.jwt);
}
