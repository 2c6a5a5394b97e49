import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The lead and deal milestones for every row at once, set-based. refresh_leads(ids) and refresh_deals(ids) (migration
 * Foundation) are what a write runs for the rows it touched; rebuilding a whole database through them meant
 * 1,000-id chunks, each re-planned and joined by id arrays: about 25 minutes for a million leads. The whole-table
 * versions below are the same statements with the id filter taken out — one text per definition, with the scope as
 * the only difference, so the incremental and the full path cannot drift apart (a test compares them).
 */

/** Every event of the leads in scope, in replay order (the body of lead_events). */
const leadEvents = (scope: (col: string) => string) => `
  SELECT c.lead_id, c.id, c.event, c.reason, c.occurred_at, lead_event_rank(c.event), c.recorded_at, c.id
    FROM lead_stage_changes c WHERE ${scope('c.lead_id')}
  UNION ALL
  SELECT dl.lead_id, NULL, 'OPPORTUNITY', NULL, d.created_at, 5, d.recorded_at, d.id
    FROM deal_leads dl JOIN deals d ON d.id = dl.deal_id WHERE ${scope('dl.lead_id')}
  UNION ALL
  SELECT dl.lead_id, NULL, 'CUSTOMER', NULL, d.closed_at, 6, d.recorded_at, d.id
    FROM deal_leads dl JOIN deals d ON d.id = dl.deal_id WHERE ${scope('dl.lead_id')} AND d.status = 'WON'`;

const EVENT_COLUMNS = `lead_id bigint, log_id bigint, event text, reason text, occurred_at timestamptz, rnk integer,
               recorded_at timestamptz, seq bigint`;

/** The columns of a lead that refresh_leads derives. */
const LEAD_DERIVED = `stage, status, rejection_reason, first_mql_at, first_sal_at, first_sql_at, first_opportunity_at,
    first_customer_at, lead_at, mql_at, sal_at, sql_at, opportunity_at, customer_at`;

/**
 * A lead's stage, status and milestones from its events `events` (the body of refresh_leads). A lead whose derived
 * columns would not change is not updated: a full rebuild of an up-to-date database writes nothing, and no trigger
 * (audit, change events, rollup queues) fires for a row that stays the same.
 */
const refreshLeads = (events: string) => `
  WITH ev AS (SELECT * FROM ${events}),
  firsts AS (
    SELECT ev.lead_id,
      min(ev.occurred_at) FILTER (WHERE ev.event = 'LEAD') AS f1,
      min(ev.occurred_at) FILTER (WHERE ev.event = 'MQL') AS f2,
      min(ev.occurred_at) FILTER (WHERE ev.event = 'SAL') AS f3,
      min(ev.occurred_at) FILTER (WHERE ev.event = 'SQL') AS f4,
      min(ev.occurred_at) FILTER (WHERE ev.event = 'OPPORTUNITY') AS f5,
      min(ev.occurred_at) FILTER (WHERE ev.event = 'CUSTOMER') AS f6
    FROM ev GROUP BY ev.lead_id
  ),
  last_stage AS (
    SELECT DISTINCT ON (ev.lead_id) ev.lead_id, CASE WHEN ev.event = 'RECYCLED' THEN 'LEAD' ELSE ev.event END AS stage
    FROM ev WHERE ev.rnk < 99 OR ev.event = 'RECYCLED'
    ORDER BY ev.lead_id, ev.occurred_at DESC, ev.rnk DESC, ev.recorded_at DESC, ev.seq DESC
  ),
  last_any AS (
    SELECT DISTINCT ON (ev.lead_id) ev.lead_id, ev.event, ev.reason
    FROM ev ORDER BY ev.lead_id, ev.occurred_at DESC, ev.rnk DESC, ev.recorded_at DESC, ev.seq DESC
  ),
  fresh AS (
    SELECT f.lead_id, coalesce(s.stage, 'LEAD') AS stage,
      CASE a.event WHEN 'REJECTED' THEN 'REJECTED' WHEN 'DISQUALIFIED' THEN 'DISQUALIFIED' ELSE 'OPEN' END AS status,
      CASE WHEN a.event = 'REJECTED' THEN a.reason END AS rejection_reason,
      f.f2 AS first_mql_at, f.f3 AS first_sal_at, f.f4 AS first_sql_at, f.f5 AS first_opportunity_at,
      f.f6 AS first_customer_at,
      least(f.f1, f.f2, f.f3, f.f4, f.f5, f.f6) AS lead_at,
      least(f.f2, f.f3, f.f4, f.f5, f.f6) AS mql_at,
      least(f.f3, f.f4, f.f5, f.f6) AS sal_at,
      least(f.f4, f.f5, f.f6) AS sql_at,
      least(f.f5, f.f6) AS opportunity_at,
      f.f6 AS customer_at
    FROM firsts f
    LEFT JOIN last_stage s ON s.lead_id = f.lead_id
    LEFT JOIN last_any a ON a.lead_id = f.lead_id
  )
  UPDATE leads l SET (${LEAD_DERIVED}) = (${LEAD_DERIVED.replace(/(\w+)/g, 'n.$1')})
  FROM fresh n
  WHERE l.id = n.lead_id AND (${LEAD_DERIVED.replace(/(\w+)/g, 'l.$1')}) IS DISTINCT FROM (${LEAD_DERIVED.replace(/(\w+)/g, 'n.$1')})`;

/**
 * A deal's stage, status, close and stage reaches from its stage log (the body of refresh_deals); `clear` empties the
 * reaches in scope first.
 */
const refreshDeals = (scope: (col: string) => string, clear: string) => `
  WITH last AS (
    SELECT DISTINCT ON (c.deal_id) c.deal_id, c.to_stage, c.reason, c.occurred_at, s.category
    FROM deal_stage_changes c JOIN pipeline_stages s ON s.key = c.to_stage
    WHERE ${scope('c.deal_id')}
    ORDER BY c.deal_id, c.occurred_at DESC, coalesce(pipeline_rank(s.category, s.position), 2000000000) DESC,
             c.recorded_at DESC, c.id DESC
  )
  UPDATE deals d SET
    stage_key = last.to_stage,
    status = last.category,
    closed_at = CASE WHEN last.category <> 'OPEN' THEN last.occurred_at END,
    lost_reason = CASE WHEN last.category = 'LOST' THEN last.reason END
  FROM last WHERE d.id = last.deal_id
    AND (d.stage_key, d.status, d.closed_at, d.lost_reason) IS DISTINCT FROM (last.to_stage, last.category,
      CASE WHEN last.category <> 'OPEN' THEN last.occurred_at END, CASE WHEN last.category = 'LOST' THEN last.reason END);

  ${clear};

  WITH firsts AS (
    SELECT c.deal_id, c.to_stage AS stage_key, min(c.occurred_at) AS first_entered_at
    FROM deal_stage_changes c WHERE ${scope('c.deal_id')} GROUP BY c.deal_id, c.to_stage
  ),
  ladder_entries AS (
    -- a WON stage counts as entered only while the deal's outcome is WON, at its close
    SELECT f.deal_id, pipeline_rank(s.category, s.position) AS rnk,
           CASE WHEN s.category = 'WON' THEN d.closed_at ELSE f.first_entered_at END AS at
    FROM firsts f JOIN pipeline_stages s ON s.key = f.stage_key JOIN deals d ON d.id = f.deal_id
    WHERE s.category = 'OPEN' OR (s.category = 'WON' AND d.status = 'WON' AND d.stage_key = f.stage_key)
  ),
  reaches AS (
    -- a LOST stage: its first entry; an OPEN or WON stage: the earliest ladder entry at or above its rank (a join and
    -- a GROUP BY, not a sub-select per deal and stage: that one scans the whole CTE per row when every deal is in scope)
    SELECT d.id AS deal_id, s.key AS stage_key, f.first_entered_at,
      CASE WHEN s.category = 'LOST' THEN f.first_entered_at ELSE min(e.at) END AS reached_at
    FROM deals d CROSS JOIN pipeline_stages s
    LEFT JOIN firsts f ON f.deal_id = d.id AND f.stage_key = s.key
    LEFT JOIN ladder_entries e ON e.deal_id = d.id AND e.rnk >= pipeline_rank(s.category, s.position)
    WHERE ${scope('d.id')}
    GROUP BY d.id, s.key, s.category, f.first_entered_at
  )
  INSERT INTO deal_stage_reaches (deal_id, stage_key, first_entered_at, reached_at)
  SELECT r.deal_id, r.stage_key, r.first_entered_at, r.reached_at
  FROM reaches r WHERE r.reached_at IS NOT NULL`;

const BY_IDS = (col: string) => `${col} = ANY(p_ids)`;
const ALL = () => 'true';

export class SetBasedRefresh1766016000000 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
CREATE OR REPLACE FUNCTION lead_events(p_ids bigint[]) RETURNS TABLE (${EVENT_COLUMNS})
LANGUAGE sql STABLE AS $$${leadEvents(BY_IDS)}
$$;

-- Every event of every lead, in replay order.
CREATE FUNCTION lead_events_all() RETURNS TABLE (${EVENT_COLUMNS})
LANGUAGE sql STABLE AS $$${leadEvents(ALL)}
$$;

CREATE OR REPLACE FUNCTION refresh_leads(p_ids bigint[]) RETURNS void LANGUAGE sql AS $$${refreshLeads('lead_events(p_ids)')}
$$;

-- refresh_leads for every lead at once (a full rebuild; run refresh_deals_all first: CUSTOMER comes from won deals).
CREATE FUNCTION refresh_leads_all() RETURNS void LANGUAGE sql AS $$${refreshLeads('lead_events_all()')}
$$;

CREATE OR REPLACE FUNCTION refresh_deals(p_ids bigint[]) RETURNS void LANGUAGE sql AS $$${refreshDeals(BY_IDS, 'DELETE FROM deal_stage_reaches WHERE deal_id = ANY(p_ids)')}
$$;

-- refresh_deals for every deal at once (a full rebuild).
CREATE FUNCTION refresh_deals_all() RETURNS void LANGUAGE sql AS $$${refreshDeals(ALL, 'DELETE FROM deal_stage_reaches')}
$$;
`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP FUNCTION refresh_deals_all(); DROP FUNCTION refresh_leads_all(); DROP FUNCTION lead_events_all();`,
    );
  }
}
