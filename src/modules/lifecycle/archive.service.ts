import { Viewer } from '../../common/auth/viewer';
import { BulkSpec, WriteContext, prepareEach, runBulk } from '../../common/bulk/bulk-runner';
import { BulkResult } from '../../common/bulk/bulk.types';
import { idsByExternalId, resolveRef } from '../../common/bulk/references';
import { badInput } from '../../common/errors/app-error';
import { checkExternalId } from '../../common/validation/checks';
import { rows } from '../../db/sql';
import { TransactionRunner } from '../../db/transaction';
import { checkCanChange, dealOwnership, lockDealOwners } from '../deal/deal-ownership';

/** The records that can be archived: their table and the name NOT_FOUND gives them. */
export const ARCHIVABLE = {
  leads: 'Lead',
  deals: 'Deal',
  accounts: 'Account',
} as const;
export type ArchivableTable = keyof typeof ARCHIVABLE;

/** Which deals a SALES caller may touch (their own), checked like every other deal write; others are unrestricted. */
async function checkOwnership(table: ArchivableTable, externalIds: string[], ctx: WriteContext) {
  if (table !== 'deals') return () => undefined;
  const ownership = await dealOwnership(ctx.tx, ctx.viewer);
  const owners = await lockDealOwners(ctx.tx, ownership, externalIds);
  return (externalId: string) => checkCanChange(ownership, owners.get(externalId), externalId, 'externalId');
}

/**
 * Archives (archive = true) or restores records by externalId: one statement per item sets or clears archived_at and
 * bumps the version; a record already in that state is UNCHANGED. A merged-away record cannot be restored (its
 * history lives in the survivor). Triggers mark the rollups, which follow before commit.
 */
const spec = (table: ArchivableTable, archive: boolean): BulkSpec<string, { id: string }> => ({
  key: (x) => x,
  externalId: (x) => x,
  async prepare(items, ctx) {
    const ids = await idsByExternalId(ctx.tx, table, items);
    const canChange = await checkOwnership(table, items, ctx);
    return prepareEach(items, (x) => {
      checkExternalId(x);
      canChange(x);
      return { id: resolveRef(ids, x, ARCHIVABLE[table], 'externalId')! };
    });
  },
  async write({ id }, ctx) {
    const [row] = await rows<{ merged: boolean }>(
      ctx.tx,
      `SELECT merged_into_id IS NOT NULL AS merged FROM ${table} WHERE id = $1 FOR UPDATE`,
      [id],
    );
    if (!archive && row.merged)
      throw badInput(
        'This record was merged into another; its history is there now, so it cannot be restored',
        'externalId',
      );
    const changed = await rows(
      ctx.tx,
      `UPDATE ${table} SET archived_at = ${archive ? 'now()' : 'NULL'}, version = version + 1, updated_at = now()
       WHERE id = $1 AND archived_at IS ${archive ? 'NULL' : 'NOT NULL'} RETURNING id`,
      [id],
    );
    return { id, created: false, changed: changed.length > 0 };
  },
});

export const setArchived = (
  transactions: TransactionRunner,
  viewer: Viewer,
  table: ArchivableTable,
  externalIds: string[],
  archive: boolean,
): Promise<BulkResult> => runBulk(transactions, viewer, externalIds, false, spec(table, archive));
