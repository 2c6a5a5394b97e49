import { MigrationInterface, QueryRunner } from 'typeorm';

const LADDER = ['lead_at', 'mql_at', 'sal_at', 'sql_at', 'opportunity_at', 'customer_at'];
const STAGES = ['LEAD', 'MQL', 'SAL', 'SQL', 'OPPORTUNITY', 'CUSTOMER'];

/**
 * bi.funnel_daily gets the funnel's CAMPAIGN breakdown (issue 21): each lead's first-touch campaign as of now — its
 * earliest touch, ties by external id, as `funnel(breakdown: CAMPAIGN)` groups it (definitions §4) — with the
 * campaign's name; leads without a touch have none. Rows split by campaign too; summed over campaigns they are the
 * rows they were. The new columns go last (CREATE OR REPLACE keeps bi_reader's grant).
 */
export class BiFunnelCampaign1765756800000 implements MigrationInterface {
  name = 'BiFunnelCampaign1765756800000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
CREATE OR REPLACE VIEW bi.funnel_daily AS
  SELECT (v.at AT TIME ZONE 'UTC')::date AS day, v.stage, v.rank, l.source AS channel, count(*)::int AS entered,
    ft.campaign_id, k.name AS campaign_name
  FROM live_leads l
  CROSS JOIN LATERAL (VALUES ${STAGES.map((st, i) => `('${st}', ${i + 1}, l.${LADDER[i]})`).join(', ')}) v(stage, rank, at)
  LEFT JOIN LATERAL (
    SELECT t.campaign_id FROM touchpoints t WHERE t.lead_id = l.id AND t.occurred_at <= now()
    ORDER BY t.occurred_at, t.external_id LIMIT 1) ft ON true
  LEFT JOIN campaigns k ON k.id = ft.campaign_id
  WHERE v.at IS NOT NULL
  GROUP BY 1, 2, 3, 4, 6, 7;
COMMENT ON COLUMN bi.funnel_daily.campaign_id IS 'The lead''s first-touch campaign as of now (bi.campaigns), as funnel(breakdown: CAMPAIGN) groups leads (definitions §4); null without a touch';
COMMENT ON COLUMN bi.funnel_daily.campaign_name IS 'That campaign''s name';
COMMENT ON VIEW bi.funnel_daily IS 'Leads entering each ladder stage per UTC day, source and first-touch campaign, as of now (definitions §2, §4); sum over days, campaigns or sources';`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
DROP VIEW bi.funnel_daily;
CREATE VIEW bi.funnel_daily AS
  SELECT (v.at AT TIME ZONE 'UTC')::date AS day, v.stage, v.rank, l.source AS channel, count(*)::int AS entered
  FROM live_leads l CROSS JOIN LATERAL (VALUES ${STAGES.map((st, i) => `('${st}', ${i + 1}, l.${LADDER[i]})`).join(', ')}) v(stage, rank, at)
  WHERE v.at IS NOT NULL
  GROUP BY 1, 2, 3, 4;`);
  }
}
