import { preparedSqlRows } from '../../../db/prepared';
import { Queryable } from '../../../db/sql';
import { Param, param, sql } from '../../../db/sql-tag';
import { FunnelBreakdown, SkippedStagePolicy } from '../analytics.types';
import { FunnelFrame, FunnelRow, funnelStepsSql } from '../core/funnel-steps.sql';
import { latestChangeAsOf } from '../core/deal-outcome.sql';

export interface PipelineFunnelQuery extends FunnelFrame {
  /** Pipeline stage keys on the ladder, in rank order (validated by the caller against pipeline_stages). */
  steps: string[];
  breakdown: FunnelBreakdown.OWNER | FunnelBreakdown.INDUSTRY | FunnelBreakdown.REGION | null;
}

const GROUP = {
  [FunnelBreakdown.OWNER]: `coalesce(u.email, 'UNASSIGNED')`,
  [FunnelBreakdown.INDUSTRY]: `coalesce(a.industry, 'UNKNOWN')`,
  [FunnelBreakdown.REGION]: `coalesce(a.region, 'UNKNOWN')`,
};

/** WON entry as of asOf: the deal's latest change at or before asOf, when it is a WON stage. */
const WON_AS_OF = (asOf: Param) => sql`
  SELECT b.id, pipeline_rank(w.category, w.position) AS rnk, w.at AS f FROM base b CROSS JOIN LATERAL (${latestChangeAsOf('b.id', asOf)}) w
  WHERE w.category = 'WON'`;
const WON_NOW = (asOf: Param) => sql`
  SELECT d.id, pipeline_rank(s.category, s.position) AS rnk, d.closed_at AS f
  FROM deals d JOIN pipeline_stages s ON s.key = d.stage_key
  WHERE d.id IN (SELECT id FROM base) AND d.status = 'WON' AND d.closed_at <= ${asOf}`;

/**
 * The pipeline funnel in one statement: first entries of OPEN stages from the maintained deal_stage_reaches, the WON
 * entry as of asOf, reaches per policy (skipped stages inferred by ladder rank), then the shared step aggregation.
 */
export async function queryPipelineFunnel(db: Queryable, q: PipelineFunnelQuery): Promise<FunnelRow[]> {
  const grp = q.breakdown ? GROUP[q.breakdown] : 'NULL::text';
  const reach =
    q.policy === SkippedStagePolicy.INFER
      ? { reach: 'r', inferred: '(r IS NOT NULL AND (f IS NULL OR f > r))' }
      : { reach: 'CASE WHEN strict_ok THEN f END', inferred: 'false' };
  const p = { asOf: param(q.asOf), from: param(q.from), to: param(q.to), window: param(q.windowSeconds) };
  const owners = param(q.ownerIds);
  return preparedSqlRows<FunnelRow>(
    db,
    sql`
    WITH steps AS (
      SELECT o.k::int AS k, pipeline_rank(s.category, s.position) AS rnk
      FROM unnest(${param(q.steps)}::text[]) WITH ORDINALITY AS o(key, k) JOIN pipeline_stages s ON s.key = o.key
    ),
    base AS (
      SELECT d.id, ${grp} AS grp FROM live_deals d
      LEFT JOIN accounts a ON a.id = d.account_id LEFT JOIN users u ON u.id = d.owner_id
      WHERE d.created_at <= ${p.asOf} AND (${owners}::bigint[] IS NULL OR d.owner_id = ANY(${owners}))
    ),
    entries AS (
      SELECT r.deal_id AS id, pipeline_rank(s.category, s.position) AS rnk, r.first_entered_at AS f
      FROM deal_stage_reaches r JOIN pipeline_stages s ON s.key = r.stage_key
      WHERE r.deal_id IN (SELECT id FROM base) AND s.category = 'OPEN' AND r.first_entered_at <= ${p.asOf}
      UNION ALL ${q.currentOutcomes ? WON_NOW(p.asOf) : WON_AS_OF(p.asOf)}
    ),
    per_step AS (
      SELECT b.id, b.grp, st.k, min(e.f) FILTER (WHERE e.rnk >= st.rnk) AS r, min(e.f) FILTER (WHERE e.rnk = st.rnk) AS f
      FROM base b CROSS JOIN steps st LEFT JOIN entries e ON e.id = b.id
      GROUP BY b.id, b.grp, st.k
    ),
    ordered AS (
      SELECT *, f IS NOT NULL AND (k = 1 OR f >= lag(f) OVER (PARTITION BY id ORDER BY k)) AS ok FROM per_step
    ),
    strict AS (
      SELECT *, bool_and(ok) OVER (PARTITION BY id ORDER BY k) AS strict_ok FROM ordered
    ),
    units AS (
      SELECT grp, array_agg(${reach.reach} ORDER BY k) AS reach, array_agg(${reach.inferred} ORDER BY k) AS inferred
      FROM strict GROUP BY id, grp
    ),
    ${funnelStepsSql(q.basis, q.steps.length, p)}`,
  );
}
