import { randomBytes } from 'node:crypto';

/** A short random tag that scopes one test's records (external ids, emails). */
export const unique = (prefix = 't'): string => `${prefix}-${randomBytes(5).toString('hex')}`;
