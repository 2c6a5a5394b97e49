import { preparedSqlRows } from '../../../db/prepared';
import { Queryable } from '../../../db/sql';
import { joinSql, Param, param, sql, Sql } from '../../../db/sql-tag';
import { ladderRank, LifecycleStage } from '../../../common/graphql/enums';
import { FunnelBreakdown, SkippedStagePolicy } from '../analytics.types';
import { FunnelFrame, FunnelParams, FunnelRow, funnelStepsSql } from '../core/funnel-steps.sql';
import { latestChangeAsOf } from '../core/deal-outcome.sql';

export interface FunnelQuery extends FunnelFrame {
  /** Ladder stages to show, in rank order (validated by the caller). */
  steps: readonly LifecycleStage[];
  breakdown: FunnelBreakdown | null;
  sources: string[] | null;
}

const f = (s: LifecycleStage) => `f${ladderRank(s)}`;
const r = (s: LifecycleStage) => `r${ladderRank(s)}`;

/** Group key of a lead per breakdown (definitions.md section 4): every unit in exactly one group. */
const GROUP: Record<FunnelBreakdown, (asOf: Param) => Sql> = {
  [FunnelBreakdown.CHANNEL]: () => sql`coalesce(l.source, 'UNKNOWN')`,
  [FunnelBreakdown.CAMPAIGN]: (
    asOf,
  ) => sql`coalesce((SELECT t.campaign_id::text FROM touchpoints t WHERE t.lead_id = l.id AND t.occurred_at <= ${asOf}
                                 ORDER BY t.occurred_at, t.external_id LIMIT 1), 'NONE')`,
  [FunnelBreakdown.INDUSTRY]: () => sql`coalesce(a.industry, 'UNKNOWN')`,
  [FunnelBreakdown.REGION]: () => sql`coalesce(a.region, 'UNKNOWN')`,
  [FunnelBreakdown.OWNER]: () => sql`coalesce(u.email, 'UNASSIGNED')`,
};

/**
 * CUSTOMER entry of a lead as of asOf: the earliest close among its deals whose latest change at or before asOf is
 * WON; `current` is the boolean saying asOf is now or later (then the maintained first_customer_at is exact).
 */
export const customerAsOf = (
  asOf: Param,
  current: Param,
) => sql`CASE WHEN ${current} THEN CASE WHEN l.first_customer_at <= ${asOf} THEN l.first_customer_at END
  WHEN l.first_opportunity_at <= ${asOf} THEN (
    SELECT min(w.at) FROM deal_leads dl CROSS JOIN LATERAL (${latestChangeAsOf('dl.deal_id', asOf)}) w
    WHERE dl.lead_id = l.id AND w.category = 'WON') END`;

/** The maintained first entries of LEAD … OPPORTUNITY (CUSTOMER depends on asOf: customerAsOf). */
export const FIRSTS = ['l.created_at', 'l.first_mql_at', 'l.first_sal_at', 'l.first_sql_at', 'l.first_opportunity_at'];

/**
 * A lead's first actual entry of each ladder stage as of asOf, as columns f1 (LEAD) … f6 (CUSTOMER), from the
 * maintained milestones (a first entry after asOf means none by asOf); `current` as in customerAsOf.
 */
export const leadFirstEntries = (asOf: Param, current: Param) => sql`
        ${joinSql(
          FIRSTS.map((c, i) => sql`CASE WHEN ${c} <= ${asOf} THEN ${c} END AS f${i + 1},`),
          '\n        ',
        )}
        ${customerAsOf(asOf, current)} AS f6`;

/**
 * A lead can count in a period [from, to) only if one of its first entries lies in it: a reach is the earliest of
 * the first entries at or above its stage (definitions.md section 2), so a reach in the period is one of them. This
 * pre-filter lets PostgreSQL read just those leads through the milestone indexes (a month of a year is a twelfth),
 * and never changes a count. With asOf in the past a CUSTOMER entry is re-derived from the deal log and may be a
 * win that was later reopened, so then any lead with an opportunity before `to` stays in.
 */
export function anyFirstEntryIn(from: Param | Sql, to: Param | Sql, currentOutcomes: boolean): Sql {
  const within = (col: string) => sql`(${col} >= ${from} AND ${col} < ${to})`;
  return sql`(${joinSql(FIRSTS.map(within), ' OR ')}
    OR ${currentOutcomes ? within('l.first_customer_at') : sql`l.first_opportunity_at < ${to}`})`;
}

/** The bound values of one funnel statement, each one placeholder wherever it is used. */
export function funnelParams(q: FunnelFrame): FunnelParams & { owners: Param; current: Param } {
  return {
    asOf: param(q.asOf),
    from: param(q.from),
    to: param(q.to),
    window: param(q.windowSeconds),
    owners: param(q.ownerIds),
    current: param(q.currentOutcomes),
  };
}

/** SQL for each requested step's reach and whether it is inferred, per the skipped-stage policy. */
function stepExpressions(q: FunnelQuery): { reach: string[]; inferred: string[] } {
  if (q.policy === SkippedStagePolicy.INFER) {
    return {
      reach: q.steps.map(r),
      inferred: q.steps.map((s) => `(${r(s)} IS NOT NULL AND (${f(s)} IS NULL OR ${f(s)} > ${r(s)}))`),
    };
  }
  // STRICT: actual entries of steps 1..k, in non-decreasing order
  const reach = q.steps.map((s, k) => {
    const conds = q.steps.slice(0, k + 1).map((t) => `${f(t)} IS NOT NULL`);
    for (let j = 1; j <= k; j++) conds.push(`${f(q.steps[j - 1])} <= ${f(q.steps[j])}`);
    return `CASE WHEN ${conds.join(' AND ')} THEN ${f(s)} END`;
  });
  return { reach, inferred: q.steps.map(() => 'false') };
}

/**
 * The lifecycle funnel in one statement: first entries as of asOf from the maintained milestones, reaches per the
 * policy, then per step (and per group, with GROUPING SETS) the counted units, inferred ones, and the days from the
 * previous step's reach (mean and median).
 */
export async function queryFunnel(db: Queryable, q: FunnelQuery): Promise<FunnelRow[]> {
  const { reach, inferred } = stepExpressions(q);
  const p = funnelParams(q);
  const sources = param(q.sources);
  const grp = q.breakdown ? GROUP[q.breakdown](p.asOf) : sql`NULL::text`;
  return preparedSqlRows<FunnelRow>(
    db,
    sql`
    WITH firsts AS (
      SELECT ${grp} AS grp,
        ${leadFirstEntries(p.asOf, p.current)}
      FROM live_leads l
      ${q.breakdown === FunnelBreakdown.INDUSTRY || q.breakdown === FunnelBreakdown.REGION ? 'LEFT JOIN accounts a ON a.id = l.account_id' : ''}
      ${q.breakdown === FunnelBreakdown.OWNER ? 'LEFT JOIN users u ON u.id = l.owner_id' : ''}
      WHERE l.created_at <= ${p.asOf} AND (${sources}::text[] IS NULL OR l.source = ANY(${sources}))
        AND (${p.owners}::bigint[] IS NULL OR l.owner_id = ANY(${p.owners}))
        AND ${anyFirstEntryIn(p.from, p.to, q.currentOutcomes)}
    ),
    reaches AS (
      SELECT grp, f1, f2, f3, f4, f5, f6,
        least(f1, f2, f3, f4, f5, f6) AS r1, least(f2, f3, f4, f5, f6) AS r2, least(f3, f4, f5, f6) AS r3,
        least(f4, f5, f6) AS r4, least(f5, f6) AS r5, f6 AS r6
      FROM firsts
    ),
    units AS (
      SELECT grp, ARRAY[${reach.join(', ')}]::timestamptz[] AS reach, ARRAY[${inferred.join(', ')}]::boolean[] AS inferred FROM reaches
    ),
    ${funnelStepsSql(q.basis, q.steps.length, p)}`,
  );
}
