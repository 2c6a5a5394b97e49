import { EntityManager } from 'typeorm';
import { analyzeLoaded } from '../../../db/bulk-load';
import { exec, execSql, Queryable, rows, sqlRows } from '../../../db/sql';
import { constantText, param, sql, Sql } from '../../../db/sql-tag';
import { FIRSTS } from './funnel.query';

/**
 * The per-day funnel rollup (migration 1764374400000-FunnelRollup): one definition of a lead's facts and of the rows
 * they contribute, used by the incremental path (before each write commits) and by the rebuild.
 */

/** Breakdown dimensions the rollup keeps, each with the facts column holding the group key. */
export const ROLLUP_DIMS = {
  ALL: `'ALL'`,
  CHANNEL: 'f.channel',
  INDUSTRY: 'f.industry',
  REGION: 'f.region',
  OWNER: 'f.owner',
  CAMPAIGN: 'f.campaign',
} as const;
export type RollupDim = keyof typeof ROLLUP_DIMS;

/** Every maintained first entry of a lead `l`, LEAD … CUSTOMER (CUSTOMER as of now). */
export const ALL_FIRSTS = [...FIRSTS, 'l.first_customer_at'];

/** reach of ladder stage k (0-based) as of now, skipped stages inferred: the earliest first entry at or above it. */
export const reachSql = (k: number) => `least(${ALL_FIRSTS.slice(k).join(', ')})`;

/**
 * A lead's facts as of now (definitions.md sections 2 and 4): reach of every ladder stage with skipped stages inferred
 * (the earliest first entry at or above it), whether that reach is inferred, and its group under each breakdown.
 * Group keys as the on-the-fly funnel gives them, except OWNER, kept as the owner id (emails are looked up when read).
 */
const leadFactsSql = (where: Sql | string) => sql`
  SELECT l.id AS lead_id,
    ARRAY[${ALL_FIRSTS.map((_, k) => reachSql(k)).join(', ')}]::timestamptz[] AS reach,
    ARRAY[${ALL_FIRSTS.map((c, k) => `(${c} IS NULL OR ${c} > ${reachSql(k)}) AND ${reachSql(k)} IS NOT NULL`).join(',\n      ')}]::boolean[] AS inferred,
    coalesce(l.source, 'UNKNOWN') AS channel, coalesce(a.industry, 'UNKNOWN') AS industry, coalesce(a.region, 'UNKNOWN') AS region,
    coalesce(l.owner_id::text, 'UNASSIGNED') AS owner,
    coalesce((SELECT t.campaign_id::text FROM touchpoints t WHERE t.lead_id = l.id ORDER BY t.occurred_at, t.external_id LIMIT 1), 'NONE') AS campaign
  FROM live_leads l LEFT JOIN accounts a ON a.id = l.account_id
  WHERE ${where}`;

/**
 * The rows a set of facts `f` contributes: for each anchor stage a it reached and each stage b ≥ a it reached, under
 * each dimension: the UTC day of reach_a, the whole days from reach_a to reach_b (rounded up, so "within W days" for a
 * whole W is lag ≤ W), and whether reach_b is inferred.
 */
const contributionsSql = (facts: string) => `
  SELECT (f.reach[a] AT TIME ZONE 'UTC')::date AS day, a::smallint AS a, b::smallint AS b, g.dim, g.grp,
    ceil(extract(epoch FROM f.reach[b] - f.reach[a]) / 86400)::int AS lag, f.inferred[b] AS inf, f.sign
  FROM (${facts}) f
  CROSS JOIN generate_series(1, 6) a CROSS JOIN LATERAL generate_series(a, 6) b
  CROSS JOIN LATERAL (VALUES ${Object.entries(ROLLUP_DIMS)
    .map(([d, col]) => `('${d}', ${col})`)
    .join(', ')}) g(dim, grp)
  WHERE f.reach[b] IS NOT NULL`;

/** Signed contributions summed per row key and lag, then folded into cumulative arrays per key. */
const foldedSql = (contributions: string) => `
  SELECT day, a, b, dim, grp,
    funnel_cum(array_agg(lag), array_agg(dn)) AS n, funnel_cum(array_agg(lag), array_agg(di)) AS inf
  FROM (SELECT day, a, b, dim, grp, lag, sum(sign)::int AS dn, coalesce(sum(sign) FILTER (WHERE inf), 0)::int AS di
        FROM (${contributions}) c GROUP BY day, a, b, dim, grp, lag HAVING sum(sign) <> 0 OR coalesce(sum(sign) FILTER (WHERE inf), 0) <> 0) x
  GROUP BY day, a, b, dim, grp`;

/**
 * Every funnel_day row of the facts in funnel_lead, for the rebuild: the same rows as foldedSql(contributionsSql(…))
 * with every sign 1, but each (lead, a, b) counted once per dimension by GROUPING SETS instead of being repeated for
 * every dimension first (36 million rows at a million leads, sorted as a whole: 86 s; this way 59 s).
 */
const rebuildFoldSql = () => {
  const dims = Object.entries(ROLLUP_DIMS).filter(([d]) => d !== 'ALL');
  const col = (c: string) => c.replace(/^f\./, '');
  const pick = (what: (d: string, c: string) => string) =>
    `CASE ${dims.map(([d, c]) => `WHEN GROUPING(${col(c)}) = 0 THEN ${what(d, col(c))}`).join(' ')} ELSE 'ALL' END`;
  return `
  SELECT day, a, b, dim, grp, funnel_cum(array_agg(lag), array_agg(dn)) AS n, funnel_cum(array_agg(lag), array_agg(di)) AS inf
  FROM (
    SELECT day, a, b, lag, ${pick((d) => `'${d}'`)} AS dim, ${pick((_, c) => c)} AS grp,
      count(*)::int AS dn, (count(*) FILTER (WHERE inf))::int AS di
    FROM (
      SELECT (f.reach[a] AT TIME ZONE 'UTC')::date AS day, a::smallint AS a, b::smallint AS b,
        ceil(extract(epoch FROM f.reach[b] - f.reach[a]) / 86400)::int AS lag, f.inferred[b] AS inf,
        ${dims.map(([, c]) => c).join(', ')}
      FROM funnel_lead f CROSS JOIN generate_series(1, 6) a CROSS JOIN LATERAL generate_series(a, 6) b
      WHERE f.reach[b] IS NOT NULL
    ) c
    GROUP BY GROUPING SETS ((day, a, b, lag), ${dims.map(([, c]) => `(day, a, b, lag, ${col(c)})`).join(', ')})
  ) x
  GROUP BY day, a, b, dim, grp`;
};

/** Every funnel_day row computed from scratch from the base tables (the equality tests). */
export const fromScratchSql = () =>
  foldedSql(contributionsSql(constantText(sql`SELECT x.*, 1 AS sign FROM (${leadFactsSql('true')}) x`)));

/**
 * The first step of bringing the rollup up to date for the given leads: locks them and their accounts (a concurrent
 * writer of the same lead, or of its account's groups, commits first, then this sees its facts); applyLeads then takes
 * back their last applied facts, adds their facts as of now, and drops rows that fall to zero. The lead lock is FOR NO
 * KEY UPDATE: it queues refreshes of the same lead, but not the FOR KEY SHARE that inserting a touchpoint or hand-off event takes on its lead
 * (FOR UPDATE did, so concurrent writers of one lead's touches could deadlock: each held the key share the other's
 * refresh waited for).
 */
async function lockLeads(db: Queryable, ids: string[]): Promise<void> {
  const leads = param(ids);
  await execSql(db, sql`SELECT 1 FROM leads WHERE id = ANY(${leads}::bigint[]) ORDER BY id FOR NO KEY UPDATE`);
  // an account's industry or region changing concurrently: one of the two waits, so the later sees the other's rows
  await execSql(
    db,
    sql`SELECT 1 FROM accounts WHERE id IN (SELECT account_id FROM leads WHERE id = ANY(${leads}::bigint[])) ORDER BY id FOR SHARE`,
  );
}

/**
 * The second step (see lockLeads): the locked leads' facts replaced and the difference added to funnel_day (in key
 * order); rows that fall to zero are dropped. The caller runs it at the end of the transaction (applyDirtyFunnel): the
 * funnel_day rows are shared by concurrent writers, row locks held until commit. The difference stays in the statement:
 * handed to the client and back, a 500-deal call's 27,000 rows of cumulative arrays cost 1.3 s more.
 */
async function applyLeads(db: Queryable, ids: string[]): Promise<void> {
  const leads = param(ids);
  const zero = await sqlRows<{ a: number; dim: string; day: string; b: number; grp: string }>(
    db,
    sql`
    WITH old AS (SELECT f.*, -1 AS sign FROM funnel_lead f WHERE f.lead_id = ANY(${leads}::bigint[])),
    new AS (${leadFactsSql(sql`l.id = ANY(${leads}::bigint[])`)}),
    gone AS (DELETE FROM funnel_lead f WHERE f.lead_id = ANY(${leads}::bigint[]) AND NOT EXISTS (SELECT 1 FROM live_leads l WHERE l.id = f.lead_id)),
    saved AS (
      INSERT INTO funnel_lead SELECT * FROM new
      ON CONFLICT (lead_id) DO UPDATE SET reach = EXCLUDED.reach, inferred = EXCLUDED.inferred, channel = EXCLUDED.channel,
        industry = EXCLUDED.industry, region = EXCLUDED.region, owner = EXCLUDED.owner, campaign = EXCLUDED.campaign),
    delta AS (${foldedSql(contributionsSql(`SELECT * FROM old UNION ALL SELECT new.*, 1 FROM new`))})
    INSERT INTO funnel_day AS fd (a, dim, day, b, grp, n, inf)
    SELECT a, dim, day, b, grp, n, inf FROM delta ORDER BY a, dim, day, b, grp
    ON CONFLICT (a, dim, day, b, grp) DO UPDATE SET n = funnel_cum_sum(fd.n, EXCLUDED.n), inf = funnel_cum_sum(fd.inf, EXCLUDED.inf)
    RETURNING CASE WHEN fd.n = '{0}' THEN fd.a END AS a, fd.dim, fd.day::text AS day, fd.b, fd.grp`,
  );
  const empty = zero.filter((z) => z.a !== null);
  if (empty.length) {
    const [a, dim, day, b, grp] = (['a', 'dim', 'day', 'b', 'grp'] as const).map((k) => param(empty.map((z) => z[k])));
    await execSql(
      db,
      sql`DELETE FROM funnel_day WHERE (a, dim, day, b, grp) IN (SELECT * FROM unnest(${a}::smallint[], ${dim}::text[], ${day}::date[], ${b}::smallint[], ${grp}::text[]))`,
    );
  }
}

/**
 * Before a write transaction commits: takes the leads its writes marked dirty (triggers) and locks them; returns them,
 * for the KPI and closing rollups and for applyDirtyFunnel, which the caller runs at the end of the transaction.
 */
export async function processDirtyFunnel(tx: EntityManager): Promise<string[]> {
  const dirty = await rows<{ id: string }>(
    tx,
    `WITH d AS (DELETE FROM funnel_dirty RETURNING lead_id) SELECT DISTINCT lead_id::text AS id FROM d`,
  );
  const ids = dirty.map((d) => d.id);
  if (ids.length) await lockLeads(tx, ids);
  return ids;
}

/** The funnel facts and funnel_day rows of the leads processDirtyFunnel took (and locked). */
export async function applyDirtyFunnel(tx: EntityManager, ids: string[]): Promise<void> {
  if (ids.length) await applyLeads(tx, ids);
}

/** `npm run rollups:rebuild`: funnel_lead and funnel_day from scratch, in the caller's transaction. */
export async function rebuildFunnel(tx: EntityManager): Promise<number> {
  await exec(tx, `LOCK TABLE funnel_day, funnel_lead IN EXCLUSIVE MODE`);
  await exec(tx, `DELETE FROM funnel_dirty`);
  await exec(tx, `DELETE FROM funnel_lead`);
  await exec(tx, `DELETE FROM funnel_day`);
  await execSql(tx, sql`INSERT INTO funnel_lead ${leadFactsSql('true')}`);
  await analyzeLoaded(tx, ['funnel_lead']);
  await exec(tx, `INSERT INTO funnel_day (day, a, b, dim, grp, n, inf) ${rebuildFoldSql()}`);
  return Number((await rows<{ n: string }>(tx, `SELECT count(*) AS n FROM funnel_day`))[0].n);
}
