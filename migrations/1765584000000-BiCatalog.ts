import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Schema `bi` as a catalogue a BI tool can browse (issue 21): every view and every column commented (what it holds,
 * its unit, the definitions section it follows — Metabase and Grafana show these as descriptions), the views that
 * were missing — accounts, users (the owners), KPI targets and a calendar with ISO weeks and a fiscal year whose first
 * month is configurable (FISCAL_YEAR_START_MONTH, written to bi_settings at start-up) — and `updated_at` on the
 * views whose rows change, for incremental loads. New columns go last, so CREATE OR REPLACE keeps bi_reader's grants.
 */

/** Per view: its comment (`_`) and each column's. A test checks that every view and column of schema bi has one. */
export const BI_COMMENTS: Record<string, Record<string, string>> = {
  leads: {
    _: 'Live (not archived) leads with their funnel ladder as of now (definitions §2); one row per lead',
    id: 'Lead id (join key of touchpoints, deal_leads, lead_stage_changes, lead_scores)',
    external_id: 'The id the source system gave the lead',
    channel: 'The lead source (EMAIL, WEBINAR, PAID_SEARCH, ...); the channel of every lead-side KPI (§5)',
    title: 'Job title as recorded',
    score: 'Lead score 0–100 (set by the source system or by the active qualification definition, §8)',
    account_id: 'Account id (bi.accounts); null when none',
    owner_id: 'Owner user id (bi.users); null when unassigned',
    created_at: 'When the lead was created (UTC instant)',
    stage: 'Current ladder stage (LEAD, MQL, SAL, SQL, OPPORTUNITY, CUSTOMER)',
    status: 'OPEN, REJECTED, RECYCLED or DISQUALIFIED',
    rejection_reason: 'Why sales returned it, when it did',
    lead_at: 'Reached LEAD (= created_at) (§2)',
    mql_at: 'First reached MQL, or a later stage when MQL was skipped (inferred), as of now (§2)',
    sal_at: 'First reached SAL (inferred from later stages) (§2)',
    sql_at: 'First reached SQL (inferred from later stages) (§2)',
    opportunity_at: 'First reached OPPORTUNITY: its first deal was created (§2)',
    customer_at: 'First reached CUSTOMER: a linked deal was won (§2)',
    updated_at: 'Last change of the lead row (for incremental loads)',
  },
  deals: {
    _: 'Live (not archived) deals as of now (definitions §3); one row per deal',
    id: 'Deal id',
    external_id: 'The id the source system gave the deal',
    name: 'Deal name',
    amount: 'Deal amount (currency units)',
    stage: 'Current pipeline stage key (bi.pipeline_stages)',
    status: 'OPEN, WON or LOST (the category of its latest stage, §3)',
    account_id: 'Account id (bi.accounts); null when none',
    owner_id: 'Owner user id (bi.users); null when unassigned',
    created_at: 'When the deal was created: the opportunity instant (UTC)',
    closed_at: 'When it was won or lost (its latest WON/LOST stage change); null while open',
    expected_close_date: 'Expected close as recorded',
    lost_reason: 'Why it was lost, when it was',
    channel: "The source of its earliest-created linked lead: the deal's channel in KPIs (§5); null without leads",
    updated_at: 'Last change of the deal row (for incremental loads)',
  },
  deal_leads: {
    _: 'Which live leads each live deal is linked to (many to many)',
    deal_id: 'Deal id (bi.deals)',
    lead_id: 'Lead id (bi.leads)',
  },
  touchpoints: {
    _: 'Marketing touches of live leads (definitions §6); one row per touch',
    id: 'Touchpoint id',
    external_id: 'The id the source system gave the touch',
    lead_id: 'Lead id (bi.leads)',
    campaign_id: 'Campaign id (bi.campaigns)',
    channel: "The campaign's channel at the time the touch was recorded",
    type: 'Touch type (WEB_VISIT, EMAIL_CLICK, WEBINAR_ATTENDED, ...)',
    occurred_at: 'When the touch happened (UTC instant)',
  },
  deal_stage_changes: {
    _: 'Every stage change of live deals, in time order by occurred_at (definitions §3)',
    id: 'Change id',
    deal_id: 'Deal id (bi.deals)',
    stage: 'Stage entered (bi.pipeline_stages.key)',
    category: 'OPEN, WON or LOST: the category of that stage',
    amount: 'Deal amount at that change (currency units)',
    reason: 'Why (a lost reason, a note), when given',
    occurred_at: 'When it happened (UTC instant; may be backdated)',
    recorded_at: 'When it was written to the API',
  },
  lead_stage_changes: {
    _: 'Every stage event of live leads: MQL, SAL, SQL, REJECTED, RECYCLED, DISQUALIFIED (definitions §2, §9)',
    id: 'Event id',
    lead_id: 'Lead id (bi.leads)',
    event: 'The event',
    reason: 'Why sales returned or disqualified the lead, when it did',
    occurred_at: 'When it happened (UTC instant; may be backdated)',
    recorded_at: 'When it was written to the API',
  },
  pipeline_stages: {
    _: 'The deal pipeline: stages in order with their category and win probability (definitions §3)',
    key: 'Stage key',
    label: 'Display name',
    position: 'Order in the pipeline (1 first)',
    category: 'OPEN, WON or LOST',
    probability: 'Win probability 0–1 used for weighted pipeline (§5)',
  },
  campaigns: {
    _: 'Marketing campaigns',
    id: 'Campaign id',
    external_id: 'The id the source system gave the campaign',
    name: 'Campaign name',
    channel: 'Channel (EMAIL, WEBINAR, PAID_SEARCH, ...)',
    starts_at: 'Start, when recorded',
    ends_at: 'End, when recorded',
    budget: 'Planned budget (currency units)',
    created_at: 'When the campaign was created',
    updated_at: 'Last change of the campaign row (for incremental loads)',
  },
  campaign_spend: {
    _: 'Spend per campaign and UTC day: the cost side of ROI and CAC (definitions §5)',
    day: 'UTC day',
    campaign_id: 'Campaign id (bi.campaigns)',
    campaign_name: 'Campaign name',
    channel: "The campaign's channel",
    amount: 'Spend that day (currency units)',
  },
  funnel_daily: {
    _: 'Leads entering each ladder stage per UTC day and source, as of now (definitions §2, §4); sum over days',
    day: 'UTC day the leads reached the stage',
    stage: 'Ladder stage (LEAD, MQL, SAL, SQL, OPPORTUNITY, CUSTOMER)',
    rank: 'Its position in the ladder (1 = LEAD)',
    channel: 'The lead source',
    entered: 'Leads that first reached the stage that day (count)',
  },
  kpi_daily: {
    _: 'Daily KPI building blocks per UTC day and channel (definitions §5): counts and sums in value; rates as numerator and denominator (add those up, then divide)',
    day: 'UTC day the fact happened',
    metric:
      'KPI name (LEADS, MQLS, SALS, SQLS, OPPORTUNITIES, PIPELINE_CREATED, WON_DEALS, LOST_DEALS, REVENUE, SPEND, WIN_RATE)',
    channel: 'The lead source (leads) or the deal channel (deals); a campaign channel for SPEND',
    value: 'Count, currency amount, or the day’s rate (numerator / denominator, 6 decimals)',
    numerator: 'Rates only: the numerator (e.g. deals won)',
    denominator: 'Rates only: the denominator (e.g. deals closed)',
  },
  attribution_daily: {
    _: 'Won revenue credited to campaigns per UTC close day and model, at the default lookback and half-life (definitions §6)',
    day: 'UTC day the deals were won',
    model: 'Attribution model (FIRST_TOUCH, LAST_TOUCH, LINEAR, U_SHAPED, W_SHAPED, FULL_PATH, TIME_DECAY, SHAPLEY)',
    campaign_id: 'Campaign id (bi.campaigns)',
    campaign_name: 'Campaign name',
    channel: "The campaign's channel",
    attributed_deals: 'Fractional won deals credited (sums to the won deals with touches)',
    attributed_revenue: 'Won revenue credited (currency units)',
    touchpoints: 'Touches that earned the credit (count)',
  },
  lead_scores: {
    _: 'Each live lead: fit and engagement (now) under the active qualification definition, and its automatic MQL (definitions §8)',
    lead_id: 'Lead id (bi.leads)',
    definition_version: 'Version of the active definition the scores follow; null when none is active',
    fit_score: 'Fit points: the fit rules that hold for the lead and its account (§8)',
    engagement_score: 'Engagement points now: decayed points of the touches inside the window (§8)',
    qualification_version: 'Version of the definition that made it an MQL; null when not qualified automatically',
    qualified_at: 'When it qualified under that version (UTC instant)',
    stage: 'Current ladder stage',
    status: 'OPEN, REJECTED, RECYCLED or DISQUALIFIED',
  },
  handoff_daily: {
    _: 'Hand-off feedback per UTC day of reach_MQL, campaign, channel, source, qualification version, disposition and reason (definitions §9)',
    day: 'UTC day the leads reached MQL',
    campaign_id: 'Campaign of the latest touch at or before reach_MQL (bi.campaigns); null without one',
    campaign_name: 'Its name',
    channel: 'Its channel',
    source: 'The lead source',
    qualification_version: 'Version on the first MQL event; null for manual MQLs',
    disposition: 'ACCEPTED (SAL/SQL/opportunity), RETURNED (rejected, recycled, disqualified) or PENDING',
    reason: 'Why returned',
    leads: 'MQL leads (count)',
    response_hours_sum: 'Sum of hours from reach_MQL to the disposition (divide by leads disposed for the mean)',
    on_time: 'Disposed within the SLA hours of the active definition (24 when none)',
    breached: 'Disposed after the SLA, or still pending past it',
  },
  closing_units: {
    _: 'One row per closed deal and per disposed MQL with every closing-profile dimension, as of now (definitions §10)',
    population: 'DEALS (a deal won or lost) or MQLS (an MQL lead sales accepted or returned)',
    unit_id: 'The deal id (DEALS) or the lead id (MQLS)',
    success: 'DEALS: won; MQLS: accepted',
    at: 'DEALS: when it closed; MQLS: when it reached MQL (UTC instant)',
    industry: "The account's industry; UNKNOWN when none",
    region: "The account's region; UNKNOWN when none",
    employees_band: "The account's size band: 1-10, 11-50, 51-200, 201-1000, 1001-5000, 5001+ or UNKNOWN",
    title_seniority: 'VP, C_LEVEL, DIRECTOR, MANAGER, INDIVIDUAL or UNKNOWN (a deal: its earliest-created linked lead)',
    source: 'The lead source (a deal: its earliest-created linked lead); UNKNOWN when none',
    first_touch_channel:
      'A deal: its first touch in [created − 365 days, close]; an MQL: its first touch up to reach_MQL; NONE without one',
    first_touch_campaign: "The external id of that touch's campaign; NONE without one",
    owner_id: 'The owner (a user id, bi.users); null when unassigned',
    amount_band: '<5k, 5k-25k, 25k-100k, 100k+ (DEALS only)',
    score_band: "<25, 25-49, 50-74, 75+ or UNKNOWN (a deal: its earliest-created linked lead's score)",
  },
  accounts: {
    _: 'Live (not archived) accounts: the company attributes reports break down by',
    id: 'Account id (join key of leads and deals)',
    external_id: 'The id the source system gave the account',
    name: 'Company name',
    domain: 'Web domain',
    industry: 'Industry as recorded',
    region: 'Region as recorded',
    employees: 'Number of employees',
    employees_band: '1-10, 11-50, 51-200, 201-1000, 1001-5000, 5001+ or UNKNOWN (definitions §10)',
    created_at: 'When the account was created',
    updated_at: 'Last change of the account row (for incremental loads)',
  },
  users: {
    _: 'People of the sales and marketing teams: the owners of leads and deals',
    id: 'User id (owner_id elsewhere)',
    email: 'Work email (the owner key of closingProfile)',
    name: 'Display name',
    role: 'API role (ADMIN, REVOPS, MARKETING, SALES, ANALYST, SERVICE) (definitions §7)',
    created_at: 'When the user was created',
    updated_at: 'Last change (for incremental loads)',
  },
  kpi_targets: {
    _: 'Targets set for KPIs over periods (definitions §5: attainment = actual / target)',
    id: 'Target id',
    metric: 'KPI name, as in bi.kpi_daily.metric',
    period_start: 'Start of the period (inclusive, UTC instant)',
    period_end: 'End of the period (exclusive)',
    target: 'Target value in the KPI unit',
    created_at: 'When it was set',
    updated_at: 'Last change (for incremental loads)',
  },
  calendar: {
    _: 'One row per day from 1970 to ten years ahead: ISO week, month, quarter and fiscal year (first month from FISCAL_YEAR_START_MONTH); join on date = day',
    date: 'The day',
    iso_year: 'ISO 8601 week-numbering year',
    iso_week: 'ISO 8601 week 1–53 (weeks start on Monday)',
    iso_day_of_week: '1 = Monday … 7 = Sunday',
    year: 'Calendar year',
    month: 'Calendar month 1–12',
    month_start: 'First day of the month',
    quarter: 'Calendar quarter 1–4',
    quarter_start: 'First day of the quarter',
    fiscal_year: 'Fiscal year, named by the calendar year it ends in (start month 2: FY2027 = Feb 2026 – Jan 2027)',
    fiscal_quarter: 'Fiscal quarter 1–4',
    fiscal_month: 'Month of the fiscal year 1–12',
    fiscal_year_start_month: 'The first month of the fiscal year (1 = January)',
  },
};

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

export class BiCatalog1765584000000 implements MigrationInterface {
  name = 'BiCatalog1765584000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
CREATE TABLE bi_settings (key text PRIMARY KEY, value text NOT NULL);
COMMENT ON TABLE bi_settings IS 'Settings the bi views read (fiscal_year_start_month), written by the service at start-up';

CREATE OR REPLACE VIEW bi.leads AS
  SELECT l.id, l.external_id, l.source AS channel, l.title, l.score, l.account_id, l.owner_id, l.created_at, l.stage, l.status,
         l.rejection_reason, l.lead_at, l.mql_at, l.sal_at, l.sql_at, l.opportunity_at, l.customer_at, l.updated_at
  FROM live_leads l;
CREATE OR REPLACE VIEW bi.deals AS
  SELECT d.id, d.external_id, d.name, d.amount, d.stage_key AS stage, d.status, d.account_id, d.owner_id, d.created_at, d.closed_at,
         d.expected_close_date, d.lost_reason,
         (SELECT l.source FROM live_deal_leads dl JOIN leads l ON l.id = dl.lead_id WHERE dl.deal_id = d.id ORDER BY l.created_at, l.id LIMIT 1) AS channel,
         d.updated_at
  FROM live_deals d;
CREATE OR REPLACE VIEW bi.campaigns AS
  SELECT id, external_id, name, channel, starts_at, ends_at, budget, created_at, updated_at FROM campaigns;

CREATE VIEW bi.accounts AS
  SELECT a.id, a.external_id, a.name, a.domain, a.industry, a.region, a.employees, profile_employees_band(a.employees) AS employees_band,
    a.created_at, a.updated_at
  FROM accounts a WHERE a.archived_at IS NULL;
CREATE VIEW bi.users AS SELECT id, email, name, role, created_at, updated_at FROM users;
CREATE VIEW bi.kpi_targets AS SELECT id, metric, period_start, period_end, target, created_at, updated_at FROM kpi_targets;
CREATE VIEW bi.calendar AS
  WITH s AS (
    SELECT coalesce((SELECT value::int FROM bi_settings WHERE key = 'fiscal_year_start_month'), 1) AS m
  )
  SELECT d::date AS date, extract(isoyear FROM d)::int AS iso_year, extract(week FROM d)::int AS iso_week,
    extract(isodow FROM d)::int AS iso_day_of_week, extract(year FROM d)::int AS year, extract(month FROM d)::int AS month,
    date_trunc('month', d)::date AS month_start, extract(quarter FROM d)::int AS quarter,
    date_trunc('quarter', d)::date AS quarter_start,
    extract(year FROM d)::int + CASE WHEN s.m > 1 AND extract(month FROM d) >= s.m THEN 1 ELSE 0 END AS fiscal_year,
    (extract(month FROM d)::int - s.m + 12) % 12 / 3 + 1 AS fiscal_quarter,
    (extract(month FROM d)::int - s.m + 12) % 12 + 1 AS fiscal_month,
    s.m AS fiscal_year_start_month
  FROM s, generate_series(timestamp '1970-01-01', (current_date + interval '10 years')::timestamp, interval '1 day') d;

${Object.entries(BI_COMMENTS)
  .flatMap(([view, cols]) => [
    `COMMENT ON VIEW bi.${view} IS ${lit(cols._)};`,
    ...Object.entries(cols)
      .filter(([c]) => c !== '_')
      .map(([c, text]) => `COMMENT ON COLUMN bi.${view}.${c} IS ${lit(text)};`),
  ])
  .join('\n')}

DO $do$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bi_reader') THEN
    GRANT SELECT ON bi.accounts, bi.users, bi.kpi_targets, bi.calendar TO bi_reader;
  END IF;
END
$do$;`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
DROP VIEW bi.calendar, bi.kpi_targets, bi.users, bi.accounts;
DROP TABLE bi_settings;`);
  }
}
