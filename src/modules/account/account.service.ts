import { Viewer } from '../../common/auth/viewer';
import { BulkSpec, prepareEach, runBulk } from '../../common/bulk/bulk-runner';
import { BulkResult } from '../../common/bulk/bulk.types';
import { column, requiredColumn, upsertByExternalId } from '../../common/bulk/upsert';
import {
  checkExternalId,
  checkInstant,
  checkKeptFields,
  checkNonNegativeInt,
  checkText,
} from '../../common/validation/checks';
import { AccountInput } from './account.inputs';
import { TransactionRunner } from '../../db/transaction';

const spec: BulkSpec<AccountInput, AccountInput> = {
  key: (a) => a.externalId,
  externalId: (a) => a.externalId,
  prepare: async (items, ctx) =>
    prepareEach(items, (a) => {
      checkExternalId(a.externalId);
      checkKeptFields(a, ['name', 'createdAt']);
      for (const f of ['name', 'domain', 'industry', 'region'] as const) checkText(a[f], f, 500);
      checkNonNegativeInt(a.employees, 'employees');
      checkInstant(a.createdAt, 'createdAt', ctx.now);
      return a;
    }),
  write: (a, ctx) =>
    upsertByExternalId(ctx.tx, 'accounts', a.externalId, [
      requiredColumn('name', 'text', a.name, 'name'),
      column('domain', 'text', a.domain),
      column('industry', 'text', a.industry),
      column('region', 'text', a.region),
      column('employees', 'integer', a.employees),
      column('created_at', 'timestamptz', a.createdAt ?? undefined, 'now()'),
    ]),
};

export const upsertAccounts = (
  transactions: TransactionRunner,
  viewer: Viewer,
  input: AccountInput[],
  allOrNone: boolean,
): Promise<BulkResult> => runBulk(transactions, viewer, input, allOrNone, spec);
