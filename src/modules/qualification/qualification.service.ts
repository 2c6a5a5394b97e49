import { EntityManager } from 'typeorm';
import { QUALIFICATION, Viewer } from '../../common/auth/viewer';
import { AppError, conflict, notFound } from '../../common/errors/app-error';
import { Role } from '../../common/graphql/enums';
import { dbId } from '../../common/graphql/ids';
import { logger } from '../../common/log/logger';
import { rows } from '../../db/sql';
import { TransactionRunner } from '../../db/transaction';
import { runBackfill } from './activation';
import { checkDefinition, DefinitionSpec } from './definition.check';
import { definitionById } from './qualification.repository';
import { QualificationDefinition, QualificationDefinitionInput, QualificationStatus } from './qualification.types';

const isIn = (list: readonly Role[], role: Role) => list.includes(role);
const forbidden = (message: string) => new AppError('FORBIDDEN', message);

function requireRole(viewer: Viewer, roles: readonly Role[], act: string): void {
  if (!isIn(roles, viewer.role)) throw forbidden(`${viewer.role} may not ${act} (${roles.join(', ')} may)`);
}

async function record(tx: EntityManager, id: string, action: string, viewer: Viewer, at: Date): Promise<void> {
  await tx.query(
    `INSERT INTO qualification_transitions (definition_id, action, sub, role, at) VALUES ($1, $2, $3, $4, $5)`,
    [id, action, viewer.sub, viewer.role, at],
  );
}

/** The definition row locked for a transition, or NOT_FOUND. */
async function lockDefinition(tx: EntityManager, id: string): Promise<{ id: string; status: QualificationStatus }> {
  const key = dbId(id);
  const [row] = key
    ? await rows<{ id: string; status: QualificationStatus }>(
        tx,
        `SELECT id::text AS id, status FROM qualification_definitions WHERE id = $1 FOR UPDATE`,
        [key],
      )
    : [];
  if (!row) throw notFound('QualificationDefinition', id, 'id');
  return row;
}

const specParams = (s: DefinitionSpec) => [
  s.name,
  s.note,
  JSON.stringify(s.fitRules),
  JSON.stringify(s.engagementRules),
  s.fitThreshold,
  s.engagementThreshold,
  s.engagementWindowDays,
  s.engagementHalfLifeDays,
  s.responseSlaHours,
];

async function reread(tx: EntityManager, id: string): Promise<QualificationDefinition> {
  return (await definitionById(tx, id))!;
}

/** A new DRAFT with the next version number. */
export async function createDefinition(
  transactions: TransactionRunner,
  viewer: Viewer,
  input: QualificationDefinitionInput,
): Promise<QualificationDefinition> {
  requireRole(viewer, QUALIFICATION.draft, 'draft a qualification definition');
  const spec = checkDefinition(input);
  return transactions.run(async (tx) => {
    const now = new Date();
    const [{ id }] = await rows<{ id: string }>(
      tx,
      `INSERT INTO qualification_definitions (name, note, fit_rules, engagement_rules, fit_threshold, engagement_threshold,
         engagement_window_days, engagement_half_life_days, response_sla_hours, created_by, created_at)
       VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, $6, $7, $8, $9, $10, $11) RETURNING id::text AS id`,
      [...specParams(spec), viewer.sub, now],
    );
    await record(tx, id, 'CREATED', viewer, now);
    return reread(tx, id);
  });
}

/** Replaces a DRAFT's content (same version); a proposed, active or retired version is immutable: CONFLICT. */
export async function updateDefinition(
  transactions: TransactionRunner,
  viewer: Viewer,
  id: string,
  input: QualificationDefinitionInput,
): Promise<QualificationDefinition> {
  requireRole(viewer, QUALIFICATION.draft, 'edit a qualification definition');
  const spec = checkDefinition(input);
  return transactions.run(async (tx) => {
    const d = await lockDefinition(tx, id);
    if (d.status !== QualificationStatus.DRAFT)
      throw conflict(`Version is ${d.status}: only a DRAFT can be edited (create a new version instead)`, {
        status: d.status,
      });
    await tx.query(
      `UPDATE qualification_definitions SET name = $1, note = $2, fit_rules = $3::jsonb, engagement_rules = $4::jsonb,
         fit_threshold = $5, engagement_threshold = $6, engagement_window_days = $7, engagement_half_life_days = $8,
         response_sla_hours = $9 WHERE id = $10`,
      [...specParams(spec), d.id],
    );
    await record(tx, d.id, 'UPDATED', viewer, new Date());
    return reread(tx, d.id);
  });
}

/** DRAFT → PROPOSED: from now on the version is immutable and can be approved. */
export async function proposeDefinition(
  transactions: TransactionRunner,
  viewer: Viewer,
  id: string,
): Promise<QualificationDefinition> {
  requireRole(viewer, QUALIFICATION.draft, 'propose a qualification definition');
  return transactions.run(async (tx) => {
    const d = await lockDefinition(tx, id);
    if (d.status !== QualificationStatus.DRAFT)
      throw conflict(`Version is ${d.status}: only a DRAFT can be proposed`, { status: d.status });
    const now = new Date();
    await tx.query(`UPDATE qualification_definitions SET status = 'PROPOSED', proposed_at = $2 WHERE id = $1`, [
      d.id,
      now,
    ]);
    await record(tx, d.id, 'PROPOSED', viewer, now);
    return reread(tx, d.id);
  });
}

/**
 * Whether two approvals make the pair the agreement needs: two principals, one of the marketing side and one of the
 * sales side (REVOPS and ADMIN count for either).
 */
export function approvalsComplete(a: { sub: string; role: Role }, b: { sub: string; role: Role }): boolean {
  if (a.sub === b.sub) return false;
  const m = (r: Role) => isIn(QUALIFICATION.marketingSide, r);
  const s = (r: Role) => isIn(QUALIFICATION.salesSide, r);
  return (m(a.role) && s(b.role)) || (s(a.role) && m(b.role));
}

/** Switches the active definition to `id` at `now`: the one active before is retired at that same instant. */
async function activate(tx: EntityManager, id: string, viewer: Viewer, now: Date): Promise<void> {
  // waits for the writes in flight (they hold qualification_state FOR SHARE); later writes see the new definition
  await tx.query(`SELECT 1 FROM qualification_state FOR UPDATE`);
  const retired = await rows<{ id: string }>(
    tx,
    `UPDATE qualification_definitions SET status = 'RETIRED', retired_at = $1 WHERE status = 'ACTIVE' RETURNING id::text AS id`,
    [now],
  );
  for (const r of retired) await record(tx, r.id, 'RETIRED', viewer, now);
  await tx.query(
    `UPDATE qualification_definitions SET status = 'ACTIVE', activated_at = $2, backfill_cursor = NULL, backfill_done_at = NULL
     WHERE id = $1`,
    [id, now],
  );
  await tx.query(`UPDATE qualification_state SET active_id = $1`, [id]);
  await record(tx, id, 'ACTIVATED', viewer, now);
}

/**
 * The caller's approval of a PROPOSED version. The first is recorded; the second must come from another principal
 * and complete the marketing + sales pair, and activates the version at that instant, then every lead is evaluated
 * once (runBackfill; a crash in between is resumed at the next start).
 */
export async function approveDefinition(
  transactions: TransactionRunner,
  viewer: Viewer,
  id: string,
): Promise<QualificationDefinition> {
  requireRole(viewer, QUALIFICATION.approve, 'approve a definition');
  const { activated, key } = await transactions.run(async (tx) => {
    const d = await lockDefinition(tx, id);
    if (d.status !== QualificationStatus.PROPOSED)
      throw conflict(
        d.status === QualificationStatus.DRAFT
          ? 'Version is a DRAFT: propose it before approving'
          : `Version is ${d.status}: only a PROPOSED version can be approved`,
        { status: d.status },
      );
    const prior = await rows<{ sub: string; role: Role }>(
      tx,
      `SELECT sub, role FROM qualification_transitions WHERE definition_id = $1 AND action = 'APPROVED' ORDER BY id`,
      [d.id],
    );
    const first = prior[0];
    if (first && first.sub === viewer.sub)
      throw conflict('This principal has already approved this version: the second approval needs someone else');
    if (first && !approvalsComplete(first, viewer))
      throw conflict(
        `Already approved by ${first.role}: the other approval must come from the ${
          isIn(QUALIFICATION.salesSide, first.role) ? 'marketing' : 'sales'
        } side (${(isIn(QUALIFICATION.salesSide, first.role) ? QUALIFICATION.marketingSide : QUALIFICATION.salesSide).join(', ')})`,
        { approvedBy: first.role },
      );
    const now = new Date();
    await record(tx, d.id, 'APPROVED', viewer, now);
    if (first) await activate(tx, d.id, viewer, now);
    return { activated: !!first, key: d.id };
  });
  if (activated) {
    await runBackfill(transactions).catch((err: unknown) =>
      logger.error('qualification backfill failed; it resumes at the next start', { err }),
    );
  }
  return (await definitionById(transactions.ds, key))!;
}

/** Retires a version (REVOPS, ADMIN): the active one leaves no definition active; a draft or proposal is withdrawn. */
export async function retireDefinition(
  transactions: TransactionRunner,
  viewer: Viewer,
  id: string,
): Promise<QualificationDefinition> {
  requireRole(viewer, QUALIFICATION.retire, 'retire a qualification definition');
  return transactions.run(async (tx) => {
    const d = await lockDefinition(tx, id);
    if (d.status === QualificationStatus.RETIRED) throw conflict('Version is already RETIRED', { status: d.status });
    const now = new Date();
    if (d.status === QualificationStatus.ACTIVE) {
      await tx.query(`SELECT 1 FROM qualification_state FOR UPDATE`);
      await tx.query(`UPDATE qualification_state SET active_id = NULL`);
    }
    await tx.query(`UPDATE qualification_definitions SET status = 'RETIRED', retired_at = $2 WHERE id = $1`, [
      d.id,
      now,
    ]);
    await record(tx, d.id, 'RETIRED', viewer, now);
    return reread(tx, d.id);
  });
}
