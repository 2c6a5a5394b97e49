import { Viewer } from '../../common/auth/viewer';
import { BulkSpec, prepareEach, runBulk } from '../../common/bulk/bulk-runner';
import { BulkResult } from '../../common/bulk/bulk.types';
import { upsertUser } from './user.write';
import { checkEmail, checkText, has } from '../../common/validation/checks';
import { UserInput } from './user.inputs';
import { TransactionRunner } from '../../db/transaction';

const spec: BulkSpec<UserInput, UserInput> = {
  key: (u) => u.email.trim().toLowerCase(),
  externalId: (u) => u.email.trim().toLowerCase(),
  prepare: async (items) =>
    prepareEach(items, (u) => {
      checkEmail(u.email.trim(), 'email');
      checkText(u.name, 'name', 200);
      return u;
    }),
  write: (u, ctx) => upsertUser(ctx.tx, u.email.trim().toLowerCase(), has(u, 'name'), u.name ?? null, u.role),
};

export function upsertUsers(
  transactions: TransactionRunner,
  viewer: Viewer,
  input: UserInput[],
  allOrNone: boolean,
): Promise<BulkResult> {
  return runBulk(transactions, viewer, input, allOrNone, spec);
}
