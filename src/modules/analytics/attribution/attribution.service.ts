import { DataSource } from 'typeorm';
import { reviveDates } from '../../../common/dataloader/prime';
import { Campaign } from '../../campaign/campaign.type';
import { badInput } from '../../../common/errors/app-error';
import { Channel } from '../../../common/graphql/enums';
import { ratio } from '../core/ratio.calc';
import { checkPeriod, isUtcMidnight } from '../core/period';
import { AttributionQuery, AttributionResult, queryAttribution, queryAttributionCredit } from './attribution.query';
import { CREDIT_LOOKBACK_DAYS, creditColumn, modelSpec } from './attribution-models';
import {
  AttributionGroupBy,
  AttributionInput,
  AttributionModel,
  AttributionReport,
  AttributionRow,
} from './attribution.types';
import { countsFromRows, markovShares, markovSharesFromCounts } from './markov.calc';
import { shapleyCredit } from './shapley.calc';

/** Validated lookback (whole days, 0..3650) and half-life (days, > 0, ≤ 3650). */
function checkWindows(input: AttributionInput): { lookbackDays: number; halfLifeDays: number } {
  const lookbackDays = input.lookbackDays ?? 365;
  const halfLifeDays = input.halfLifeDays ?? 7;
  if (!Number.isInteger(lookbackDays) || lookbackDays < 0 || lookbackDays > 3650)
    throw badInput('lookbackDays must be a whole number of days from 0 to 3650', 'lookbackDays');
  if (!Number.isFinite(halfLifeDays) || halfLifeDays <= 0 || halfLifeDays > 3650)
    throw badInput('halfLifeDays must be a number of days above 0 and at most 3650', 'halfLifeDays');
  return { lookbackDays, halfLifeDays };
}

/**
 * Attribution of won revenue (definitions.md section 6): the rule-based models come out of SQL; MARKOV and SHAPLEY
 * get the journeys from SQL and the math from the calc modules. Σ rows.revenue + unattributedRevenue = revenue to the
 * cent, and Σ rows.deals + unattributedDeals = wonDeals.
 */
export async function attribution(
  ds: DataSource,
  input: AttributionInput,
  opts: { rollup?: boolean } = {},
): Promise<AttributionReport> {
  const now = new Date();
  const { from, to, asOf } = checkPeriod(input.from, input.to, input.asOf, now);
  const groupBy = input.groupBy ?? AttributionGroupBy.CAMPAIGN;
  const q = { model: input.model, groupBy, from, to, asOf, ...checkWindows(input), currentOutcomes: asOf >= now };
  let r = (opts.rollup ?? true) && creditServes(q) ? await queryAttributionCredit(ds, q) : null;
  if (!r || r.stale) r = await queryAttribution(ds, q);

  const credit = new Map((r.rows ?? []).map((row) => [row.key, { ...row }]));
  const modelCredit = dataDrivenCredit(input.model, r);
  if (modelCredit) {
    for (const row of credit.values()) Object.assign(row, { revenue: 0, deals: 0 });
    for (const [key, c] of modelCredit) {
      credit.set(key, {
        ...(credit.get(key) ?? { key, touchpoints: 0, spend: 0 }),
        revenue: c.revenue,
        deals: c.deals,
      });
    }
  }
  // revenue is not rounded per row: rounding each row to cents could break Σ rows + unattributed = revenue by a cent
  const rows: AttributionRow[] = [...credit.values()].map((c) => ({
    key: c.key,
    revenue: c.revenue,
    deals: c.deals,
    touchpoints: c.touchpoints,
    spend: c.spend,
    roi: ratio(c.revenue - c.spend, c.spend),
    roas: ratio(c.revenue, c.spend),
    groupChannel: groupBy === AttributionGroupBy.CHANNEL ? (c.key as Channel) : null,
    embeddedCampaign: c.campaign ? reviveDates<Campaign>(c.campaign, ['startsAt', 'endsAt', 'createdAt']) : null,
  }));
  rows.sort((a, b) => b.revenue - a.revenue || b.spend - a.spend || a.key.localeCompare(b.key));
  return {
    model: input.model,
    from,
    to,
    asOf,
    wonDeals: r.wonDeals,
    revenue: r.revenue,
    attributedRevenue: r.attributedRevenue,
    unattributedRevenue: Math.round((r.revenue - r.attributedRevenue) * 100) / 100,
    unattributedDeals: r.wonDeals - r.attributedDeals,
    rows,
  };
}

/**
 * The rollups answer a rule-based model or SHAPLEY (per-deal credit), and MARKOV over whole UTC days (transition
 * counts), at the default windows as of now (or later), unless a write has not been folded in yet; anything else is
 * computed on the fly. Both give the same numbers (tested).
 */
function creditServes(q: AttributionQuery): boolean {
  if (!q.currentOutcomes || q.lookbackDays !== CREDIT_LOOKBACK_DAYS) return false;
  const spec = modelSpec(q.model);
  if (spec.dataDriven === 'MARKOV') return isUtcMidnight(q.from) && isUtcMidnight(q.to);
  return creditColumn(q.model, q.groupBy) !== null && (spec.rollupHolds?.(q) ?? true);
}

/**
 * MARKOV: removal-effect shares of the attributed revenue and deals (of the rollup's transition counts, or of the
 * journeys); SHAPLEY on the fly: converting journeys split equally (the rollup's rows already hold SHAPLEY credit).
 */
function dataDrivenCredit(
  model: AttributionModel,
  r: AttributionResult,
): Map<string, { revenue: number; deals: number }> | null {
  const kind = modelSpec(model).dataDriven;
  if (kind === 'MARKOV') {
    const shares = r.journeys ? markovShares(r.journeys) : markovSharesFromCounts(countsFromRows(r.transitions ?? []));
    return new Map(
      [...shares].map(([key, s]) => [key, { revenue: s * r.attributedRevenue, deals: s * r.attributedDeals }]),
    );
  }
  if (kind === 'SHAPLEY' && r.journeys) {
    return shapleyCredit(
      r.journeys
        .filter((j) => j.conversions > 0)
        .map((j) => ({ path: j.path, deals: j.conversions, revenue: j.revenue })),
    );
  }
  return null;
}
