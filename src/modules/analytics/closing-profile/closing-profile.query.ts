import { preparedSqlRows } from '../../../db/prepared';
import { Queryable } from '../../../db/sql';
import { joinSql, Param, param, sql, Sql } from '../../../db/sql-tag';
import { scoreBandSql } from '../../qualification/handoff.query';
import { latestChangeAsOf } from '../core/deal-outcome.sql';
import { anyFirstEntryIn, leadFirstEntries } from '../funnel/funnel.query';
import { handoffUnitsHoldSql } from '../../qualification/handoff-rollup.query';
import { dispositionSql } from '../kpi/lead-kpis.query';
import { ProfileDimension, ProfilePopulation } from './closing-profile.types';

/** One value of one dimension (or the population, `dimension` null) with its successes and failures. */
export interface ProfileCountRow {
  dimension: ProfileDimension | null;
  key: string | null;
  label: string | null;
  successes: number;
  failures: number;
}

export interface ProfileFrame {
  population: ProfilePopulation;
  from: Date;
  to: Date;
  asOf: Date;
  /** asOf is now or later: the maintained outcomes are exact. */
  current: boolean;
  dimensions: ProfileDimension[];
}

/** Each dimension's column in the keyed units (`u`, keyedUnits). */
const COLUMN: Record<ProfileDimension, string> = {
  [ProfileDimension.INDUSTRY]: 'industry',
  [ProfileDimension.REGION]: 'region',
  [ProfileDimension.EMPLOYEES_BAND]: 'employees_band',
  [ProfileDimension.TITLE_SENIORITY]: 'title_seniority',
  [ProfileDimension.SOURCE]: 'source',
  [ProfileDimension.FIRST_TOUCH_CHANNEL]: 'first_touch_channel',
  [ProfileDimension.FIRST_TOUCH_CAMPAIGN]: 'campaign_key',
  [ProfileDimension.OWNER]: 'owner_key',
  [ProfileDimension.AMOUNT_BAND]: 'amount_band',
  [ProfileDimension.SCORE_BAND]: 'score_band',
};

/** The columns of a unit row (unitRows): closing_unit's, but its population. */
export const UNIT_COLUMNS = [
  'unit_id',
  'at',
  'success',
  'industry',
  'region',
  'employees_band',
  'title_seniority',
  'source',
  'first_touch_channel',
  'first_touch_campaign',
  'owner_id',
  'amount_band',
  'score_band',
] as const;

/**
 * A unit's dimensions from its account `a`, lead `fl`, first touch `ft` (and deal amount), the campaign and the owner
 * by id (their keys are looked up last, keyedUnits, so that renaming either changes no unit); the bands are SQL
 * functions of migration 1765411200000-ClosingUnits (bi.closing_units uses them too).
 */
const dimensionColumns = (owner: string, amount: string | null) => sql`
      coalesce(a.industry, 'UNKNOWN') AS industry, coalesce(a.region, 'UNKNOWN') AS region,
      profile_employees_band(a.employees) AS employees_band, profile_title_seniority(fl.title) AS title_seniority,
      coalesce(fl.source, 'UNKNOWN') AS source, coalesce(ft.channel, 'NONE') AS first_touch_channel,
      ft.campaign_id AS first_touch_campaign, ${owner} AS owner_id,
      ${amount ? `profile_amount_band(${amount})` : 'NULL::text'} AS amount_band, ${scoreBandSql('fl.score')} AS score_band`;

/**
 * DEALS unit rows (definitions.md §10) of the closed deals `closed` (id, amount, created_at, account_id, owner_id,
 * category, closed_at): success = WON; the account's attributes, the earliest-created linked lead's title, source and
 * score, the first eligible touch of §6 (365-day lookback, at or before asOf), the owner and the amount.
 */
export function dealUnitRows(closed: Sql, asOf: Param | Sql): Sql {
  return sql`
    WITH closed AS MATERIALIZED (${closed}),
    -- the lookups set-based (one hash join each, DISTINCT ON per deal) rather than per deal
    links AS MATERIALIZED (SELECT dl.deal_id, dl.lead_id FROM closed c JOIN live_deal_leads dl ON dl.deal_id = c.id),
    fl AS (
      SELECT DISTINCT ON (k.deal_id) k.deal_id, l.title, l.source, l.score FROM links k JOIN leads l ON l.id = k.lead_id
      ORDER BY k.deal_id, l.created_at, l.id
    ),
    ft AS (
      SELECT DISTINCT ON (c.id) c.id AS deal_id, t.channel, t.campaign_id
      FROM closed c JOIN links dl ON dl.deal_id = c.id JOIN touchpoints t ON t.lead_id = dl.lead_id
      WHERE t.occurred_at >= c.created_at - interval '365 days' AND t.occurred_at <= c.closed_at AND t.occurred_at <= ${asOf}
      ORDER BY c.id, t.occurred_at, t.external_id, t.id
    )
    SELECT c.id AS unit_id, c.closed_at AS at, c.category = 'WON' AS success, ${dimensionColumns('c.owner_id', 'c.amount')}
    FROM closed c
    LEFT JOIN accounts a ON a.id = c.account_id
    LEFT JOIN fl ON fl.deal_id = c.id
    LEFT JOIN ft ON ft.deal_id = c.id`;
}

/**
 * MQLS unit rows (definitions.md §10) of the disposed MQL leads `disposed` (id, account_id, owner_id, title, source,
 * score, r2 = reach_MQL, kind): success = accepted; the lead's account, title, source, score and owner, and its first
 * touch at or before reach_MQL.
 */
export function mqlUnitRows(disposed: Sql): Sql {
  return sql`
    SELECT fl.id AS unit_id, fl.r2 AS at, fl.kind = 'ACCEPTED' AS success, ${dimensionColumns('fl.owner_id', null)}
    FROM (${disposed}) fl
    LEFT JOIN accounts a ON a.id = fl.account_id
    -- per lead: its few touches up to reach_MQL through the (lead_id, occurred_at) index
    LEFT JOIN LATERAL (
      SELECT t.channel, t.campaign_id FROM touchpoints t
      WHERE t.lead_id = fl.id AND t.occurred_at <= fl.r2
      ORDER BY t.occurred_at, t.external_id, t.id LIMIT 1) ft ON true`;
}

/** Unit rows with the first touch's campaign key and name and the owner's email looked up (COLUMN's names). */
const keyedUnits = (rows: Sql) => sql`
    SELECT r.*, CASE WHEN r.first_touch_campaign IS NULL THEN 'NONE' ELSE coalesce(k.external_id, k.id::text) END AS campaign_key,
      k.name AS campaign_name, coalesce(o.email, 'UNASSIGNED') AS owner_key
    FROM (${rows}) r
    LEFT JOIN campaigns k ON k.id = r.first_touch_campaign
    LEFT JOIN users o ON o.id = r.owner_id`;

/** DEALS units (definitions.md §10): deals closed in P as of asOf (the outcome of §3). */
function dealUnits(p: Record<'from' | 'to' | 'asOf' | 'current', Param>): Sql {
  return sql`
    u AS (${keyedUnits(
      dealUnitRows(
        sql`
      SELECT d.id, d.amount, d.created_at, d.account_id, d.owner_id, d.status AS category, d.closed_at
      FROM live_deals d
      WHERE ${p.current} AND d.status IN ('WON', 'LOST') AND d.closed_at >= ${p.from} AND d.closed_at < ${p.to}
        AND d.closed_at <= ${p.asOf}
      UNION ALL
      SELECT d.id, d.amount, d.created_at, d.account_id, d.owner_id, o.category, o.at
      FROM live_deals d CROSS JOIN LATERAL (${latestChangeAsOf('d.id', p.asOf)}) o
      WHERE NOT ${p.current} AND d.created_at <= ${p.asOf} AND o.category IN ('WON', 'LOST') AND o.at >= ${p.from} AND o.at < ${p.to}`,
        p.asOf,
      ),
    )})`;
}

/**
 * MQLS units (definitions.md §10): leads with reach_MQL in P and a hand-off disposition as of asOf.
 */
function mqlUnits(p: Record<'from' | 'to' | 'asOf' | 'current', Param>, current: boolean): Sql {
  return sql`
    firsts AS (
      SELECT l.id, l.account_id, l.owner_id, l.title, l.source, l.score, ${leadFirstEntries(p.asOf, p.current)}
      FROM live_leads l WHERE l.created_at <= ${p.asOf} AND ${anyFirstEntryIn(p.from, p.to, current)}
    ),
    m AS (
      SELECT f.*, least(f.f2, f.f3, f.f4, f.f5, f.f6) AS r2 FROM firsts f
      WHERE least(f.f2, f.f3, f.f4, f.f5, f.f6) >= ${p.from} AND least(f.f2, f.f3, f.f4, f.f5, f.f6) < ${p.to}
    ),
    -- the dispositions from the KPI rollup's units when it holds every fact up to asOf (then they are the same),
    -- else from the lead logs
    ok AS (SELECT ${handoffUnitsHoldSql(p.asOf)} AS ok),
    disposed AS MATERIALIZED (
      SELECT m.*, h.kind FROM m JOIN kpi_handoff h ON h.lead_id = m.id AND h.kind <> 'NONE' WHERE (SELECT ok FROM ok)
      UNION ALL
      SELECT m.*, x.kind FROM m JOIN LATERAL (${dispositionSql('m.id', 'm.r2', 'm.f5', p.asOf)}) x ON true
      WHERE NOT (SELECT ok FROM ok)
    ),
    u AS (${keyedUnits(mqlUnitRows(sql`SELECT * FROM disposed`))})`;
}

/**
 * The closing profile's counts in one statement (definitions.md §10): the population's units with every dimension's
 * value, then GROUPING SETS over the asked dimensions and the whole population (dimension null): successes and
 * failures per value. The statistics are closing-profile.calc's.
 */
export function closingProfileSql(f: ProfileFrame): Sql {
  const p = { from: param(f.from), to: param(f.to), asOf: param(f.asOf), current: param(f.current) };
  const cols = f.dimensions.map((d) => COLUMN[d]);
  const which = joinSql(
    f.dimensions.map((d) => `WHEN grouping(${COLUMN[d]}) = 0 THEN '${d}'`),
    ' ',
  );
  const key = joinSql(
    f.dimensions.map((d) => `WHEN grouping(${COLUMN[d]}) = 0 THEN ${COLUMN[d]}`),
    ' ',
  );
  const sets = joinSql([...cols.map((c) => `(${c})`), '()'], ', ');
  return sql`
    WITH ${f.population === ProfilePopulation.MQLS ? mqlUnits(p, f.current) : dealUnits(p)}
    SELECT CASE ${which} END AS dimension, CASE ${key} END AS key,
      ${
        f.dimensions.includes(ProfileDimension.FIRST_TOUCH_CAMPAIGN)
          ? sql`CASE WHEN grouping(campaign_key) = 0 THEN min(campaign_name) END`
          : sql`NULL::text`
      } AS label,
      count(*) FILTER (WHERE success)::int AS successes, count(*) FILTER (WHERE NOT success)::int AS failures
    FROM u GROUP BY GROUPING SETS (${sets})`;
}

export function queryClosingProfile(db: Queryable, f: ProfileFrame): Promise<ProfileCountRow[]> {
  return preparedSqlRows<ProfileCountRow>(db, closingProfileSql(f));
}
