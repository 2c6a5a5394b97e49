import { EntityManager } from 'typeorm';
import { Viewer } from '../../common/auth/viewer';
import { badInput, notFound } from '../../common/errors/app-error';
import { checkExternalId } from '../../common/validation/checks';
import { exec, rows } from '../../db/sql';
import { TransactionRunner } from '../../db/transaction';
import { refreshDealsAndLeads } from '../deal/deal.write';
import { MergeInput } from './lifecycle.inputs';

export const MAX_DUPLICATES = 10;

/** Per table: the columns a duplicate's value fills when the survivor's is empty (null). */
const FILLED = {
  leads: ['email', 'first_name', 'last_name', 'title', 'account_id', 'owner_id', 'source', 'score'],
  accounts: ['domain', 'industry', 'region', 'employees'],
} as const;
type MergeTable = keyof typeof FILLED;
const ENTITY = { leads: 'Lead', accounts: 'Account' } as const;

/**
 * Locks the survivor and the duplicates (in id order, so concurrent merges of overlapping sets queue) and checks them:
 * all exist and are active, no duplicate is the survivor or named twice. Returns [survivor id, duplicate ids].
 */
async function lockMergeSet(tx: EntityManager, table: MergeTable, input: MergeInput): Promise<[string, string[]]> {
  checkExternalId(input.survivorExternalId, 'survivorExternalId');
  const dups = input.duplicateExternalIds;
  if (dups.length < 1 || dups.length > MAX_DUPLICATES)
    throw badInput(`duplicateExternalIds must hold 1 to ${MAX_DUPLICATES} externalIds`, 'duplicateExternalIds');
  dups.forEach((d, i) => checkExternalId(d, `duplicateExternalIds[${i}]`));
  if (new Set(dups).size !== dups.length || dups.includes(input.survivorExternalId))
    throw badInput('duplicateExternalIds must be distinct and must not name the survivor', 'duplicateExternalIds');
  const found = await rows<{ id: string; external_id: string; archived: boolean }>(
    tx,
    `SELECT id::text AS id, external_id, archived_at IS NOT NULL AS archived FROM ${table}
     WHERE external_id = ANY($1::text[]) ORDER BY id FOR UPDATE`,
    [[input.survivorExternalId, ...dups]],
  );
  const byExt = new Map(found.map((r) => [r.external_id, r]));
  const all = [input.survivorExternalId, ...dups];
  all.forEach((x, i) => {
    const field = i === 0 ? 'survivorExternalId' : `duplicateExternalIds[${i - 1}]`;
    const r = byExt.get(x);
    if (!r) throw notFound(ENTITY[table], x, field);
    if (r.archived)
      throw badInput(`${x} is archived: restore it first (a merged-away record cannot be merged again)`, field);
  });
  return [byExt.get(input.survivorExternalId)!.id, dups.map((x) => byExt.get(x)!.id)];
}

/** Fills the survivor's empty fields from the duplicates (the most recently updated first). */
async function fillFields(tx: EntityManager, table: MergeTable, survivor: string, dups: string[]): Promise<void> {
  const sets = FILLED[table].map(
    (c) =>
      `${c} = coalesce(s.${c}, (SELECT d.${c} FROM ${table} d WHERE d.id = ANY($2::bigint[]) AND d.${c} IS NOT NULL
       ORDER BY d.updated_at DESC, d.id DESC LIMIT 1))`,
  );
  await exec(
    tx,
    `UPDATE ${table} s SET ${sets.join(', ')},
       created_at = least(s.created_at, (SELECT min(d.created_at) FROM ${table} d WHERE d.id = ANY($2::bigint[])))
     WHERE s.id = $1`,
    [survivor, dups],
  );
}

/** Archives the duplicates as merged into the survivor, and points records merged into them at the survivor. */
async function retire(tx: EntityManager, table: MergeTable, survivor: string, dups: string[]): Promise<void> {
  await exec(tx, `UPDATE ${table} SET merged_into_id = $1 WHERE merged_into_id = ANY($2::bigint[])`, [survivor, dups]);
  await exec(
    tx,
    `UPDATE ${table} SET archived_at = now(), merged_into_id = $1, version = version + 1, updated_at = now()
     WHERE id = ANY($2::bigint[])`,
    [survivor, dups],
  );
  await exec(tx, `UPDATE ${table} SET version = version + 1, updated_at = now() WHERE id = $1`, [survivor]);
}

/**
 * Folds duplicate leads into a survivor, in one transaction: their hand-off events (the same event at the same
 * instant is kept once; their LEAD entries go, the survivor's moves to the earliest creation), touchpoints and deal
 * links move over, empty fields are filled, then the survivor's milestones, its deals and every rollup are recomputed.
 * The duplicates stay archived with mergedInto. The result equals loading the merged data fresh.
 */
export async function mergeLeads(transactions: TransactionRunner, viewer: Viewer, input: MergeInput): Promise<string> {
  return transactions.run(async (tx) => {
    const [survivor, dups] = await lockMergeSet(tx, 'leads', input);
    await fillFields(tx, 'leads', survivor, dups);
    await exec(
      tx,
      `UPDATE lead_stage_changes SET occurred_at = l.created_at FROM leads l WHERE l.id = $1 AND lead_id = $1 AND event = 'LEAD'`,
      [survivor],
    );
    await exec(
      tx,
      `INSERT INTO lead_stage_changes (lead_id, event, reason, note, occurred_at, recorded_at, actor)
       SELECT $1, event, reason, note, occurred_at, recorded_at, actor FROM lead_stage_changes
       WHERE lead_id = ANY($2::bigint[]) AND event <> 'LEAD'
       ON CONFLICT (lead_id, event, occurred_at) DO NOTHING`,
      [survivor, dups],
    );
    await exec(tx, `DELETE FROM lead_stage_changes WHERE lead_id = ANY($1::bigint[])`, [dups]);
    await exec(tx, `UPDATE touchpoints SET lead_id = $1 WHERE lead_id = ANY($2::bigint[])`, [survivor, dups]);
    const deals = await rows<{ deal_id: string }>(
      tx,
      `WITH moved AS (DELETE FROM deal_leads WHERE lead_id = ANY($2::bigint[]) RETURNING deal_id)
       INSERT INTO deal_leads (deal_id, lead_id) SELECT DISTINCT deal_id, $1::bigint FROM moved
       ON CONFLICT DO NOTHING RETURNING deal_id::text`,
      [survivor, dups],
    );
    await retire(tx, 'leads', survivor, dups);
    const linked = await rows<{ id: string }>(tx, `SELECT deal_id::text AS id FROM deal_leads WHERE lead_id = $1`, [
      survivor,
    ]);
    await refreshDealsAndLeads(
      tx,
      [...new Set([...deals.map((d) => d.deal_id), ...linked.map((d) => d.id)])],
      [survivor, ...dups],
    );
    return survivor;
  });
}

/**
 * Folds duplicate accounts into a survivor: their leads and deals move to it, empty fields are filled; the duplicates
 * stay archived with mergedInto. Breakdowns by industry or region follow the survivor's values (rollups recomputed by
 * their triggers before commit).
 */
export async function mergeAccounts(
  transactions: TransactionRunner,
  viewer: Viewer,
  input: MergeInput,
): Promise<string> {
  return transactions.run(async (tx) => {
    const [survivor, dups] = await lockMergeSet(tx, 'accounts', input);
    await fillFields(tx, 'accounts', survivor, dups);
    await exec(tx, `UPDATE leads SET account_id = $1 WHERE account_id = ANY($2::bigint[])`, [survivor, dups]);
    await exec(tx, `UPDATE deals SET account_id = $1 WHERE account_id = ANY($2::bigint[])`, [survivor, dups]);
    await retire(tx, 'accounts', survivor, dups);
    return survivor;
  });
}
