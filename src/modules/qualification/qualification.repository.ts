import { Queryable, rows } from '../../db/sql';
import { SPEC_COLUMNS } from './auto-mql';
import { maxFit } from './definition.check';
import { QualificationDefinition, QualificationStatus } from './qualification.types';

/** A definition with its approvals and transitions (one statement: no per-definition lookups). */
const DEFINITION_SELECT = `
  SELECT d.id::text AS id, d.version, d.status, ${SPEC_COLUMNS}, d.created_by AS "createdBy", d.created_at AS "createdAt",
    d.proposed_at AS "proposedAt", d.activated_at AS "activatedAt", d.retired_at AS "retiredAt",
    coalesce((SELECT json_agg(json_build_object('action', t.action, 'sub', t.sub, 'role', t.role, 'at', t.at) ORDER BY t.id)
      FROM qualification_transitions t WHERE t.definition_id = d.id), '[]') AS history
  FROM qualification_definitions d`;

type DefinitionRow = Omit<QualificationDefinition, 'approvals' | 'maxFitScore' | 'history'> & {
  history: { action: string; sub: string; role: string; at: string }[];
};

function toDefinition(r: DefinitionRow): QualificationDefinition {
  const history = r.history.map((h) => ({ ...h, at: new Date(h.at) })) as QualificationDefinition['history'];
  return {
    ...r,
    history,
    approvals: history.filter((h) => h.action === 'APPROVED'),
    maxFitScore: maxFit(r.fitRules),
  };
}

export async function definitionsByStatus(
  db: Queryable,
  status: QualificationStatus | null | undefined,
): Promise<QualificationDefinition[]> {
  const r = await rows<DefinitionRow>(
    db,
    `${DEFINITION_SELECT} WHERE $1::text IS NULL OR d.status = $1 ORDER BY d.version DESC`,
    [status ?? null],
  );
  return r.map(toDefinition);
}

export async function definitionById(db: Queryable, id: string): Promise<QualificationDefinition | null> {
  const [r] = await rows<DefinitionRow>(db, `${DEFINITION_SELECT} WHERE d.id = $1`, [id]);
  return r ? toDefinition(r) : null;
}

export async function activeDefinitionFull(db: Queryable): Promise<QualificationDefinition | null> {
  const [r] = await rows<DefinitionRow>(db, `${DEFINITION_SELECT} WHERE d.status = 'ACTIVE'`);
  return r ? toDefinition(r) : null;
}

/** The response SLA in force: the active definition's responseSlaHours, 24 when none is active (definitions §9). */
export async function activeSlaHours(db: Queryable): Promise<number> {
  const [r] = await rows<{ h: number }>(
    db,
    `SELECT response_sla_hours AS h FROM qualification_definitions WHERE status = 'ACTIVE'`,
  );
  return r?.h ?? 24;
}
