import { RejectionReason } from '../../common/graphql/enums';
import { Cell } from './csv';

/** What one export runs (a GraphQL document with `$input`) and how its data becomes tidy rows. */
export interface ExportSpec {
  /** The GraphQL input type the query parameters fill (the same parameters as the query). */
  inputType: string;
  query: string;
  columns: readonly string[];
  rows(data: Record<string, unknown>, input: Record<string, unknown>): Record<string, Cell>[];
}

/** The calendar date (YYYY-MM-DD) an instant falls on in an IANA zone. */
const localDate = (iso: string, timeZone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(iso),
  );

/** The shapes the export queries below select (GraphQL validated them against the schema). */
interface RatioOut {
  numerator: number;
  denominator: number;
  value: number | null;
}
interface AttributionOut {
  model: string;
  from: string;
  to: string;
  wonDeals: number;
  unattributedDeals: number;
  unattributedRevenue: number;
  rows: {
    key: string;
    label: string;
    channel: string | null;
    revenue: number;
    deals: number;
    touchpoints: number;
    spend: number;
    roi: RatioOut;
    roas: RatioOut;
  }[];
}
interface FunnelStepOut {
  stage: string;
  count: number;
  inferredCount: number;
  dropOff: number | null;
  conversionFromPrevious: RatioOut | null;
  conversionFromFirst: RatioOut;
}
interface FunnelOut {
  basis: string;
  from: string;
  to: string;
  steps: FunnelStepOut[];
  groups: { key: string; label: string; steps: FunnelStepOut[] }[];
}

const RATIO = 'numerator denominator value';

interface ClosingProfileOut {
  population: string;
  successes: number;
  failures: number;
  baseRate: RatioOut;
  signals: {
    dimension: string;
    key: string;
    label: string;
    successes: number;
    failures: number;
    rate: RatioOut;
    rateLow: number;
    rateHigh: number;
    oddsRatio: number;
    oddsRatioLow: number;
    oddsRatioHigh: number;
    pValue: number;
    qValue: number;
    lift: number | null;
  }[];
}

interface HandoffGroupOut {
  key: string;
  label: string;
  mqls: number;
  accepted: number;
  returned: number;
  pending: number;
  acceptanceRate: RatioOut;
  rejectionReasons: { reason: string; count: number }[];
  responseHours: { count: number; mean: number | null; median: number | null };
  slaCompliance: RatioOut;
}
const HANDOFF_GROUP = `key label mqls accepted returned pending acceptanceRate { ${RATIO} } rejectionReasons { reason count }
  responseHours { count mean median } slaCompliance { ${RATIO} }`;
/** One column per return reason (returned_BAD_FIT …), so a spreadsheet can sum them. */
const REASONS = Object.values(RejectionReason);

/** GET /export/<name>.csv|json: each one exactly a GraphQL query of the public API, flattened. */
export const EXPORTS: Record<string, ExportSpec> = {
  kpis: {
    inputType: 'KpiSeriesInput',
    query: `query Export($input: KpiSeriesInput!) { kpiSeries(input: $input) { metric periodStart periodEnd value numerator denominator } }`,
    // periodStart/periodEnd are UTC instants; `period` is the bucket's first day in the export's zone (the label a
    // spreadsheet shows: "2026-02-01" for February in Europe/Berlin, not "2026-01-31T23:00Z"), `timeZone` that zone
    columns: ['metric', 'periodStart', 'periodEnd', 'value', 'numerator', 'denominator', 'period', 'timeZone'],
    rows: (d, input) => {
      const zone = typeof input.timeZone === 'string' && input.timeZone ? input.timeZone : 'UTC';
      return (d.kpiSeries as Record<string, Cell>[]).map((p) => ({
        ...p,
        period: localDate(String(p.periodStart), zone),
        timeZone: zone,
      }));
    },
  },
  attribution: {
    inputType: 'AttributionInput',
    query: `query Export($input: AttributionInput!) { attribution(input: $input) { model from to wonDeals unattributedDeals unattributedRevenue
      rows { key label channel revenue deals touchpoints spend roi { ${RATIO} } roas { ${RATIO} } } } }`,
    columns: [
      'model',
      'periodStart',
      'periodEnd',
      'key',
      'label',
      'channel',
      'revenue',
      'deals',
      'touchpoints',
      'spend',
      'roi',
      'roiNumerator',
      'roiDenominator',
      'roas',
    ],
    // one row per campaign or channel, and the won revenue no touch explains as a last UNATTRIBUTED row: the revenue
    // column sums to the period's won revenue and the deals column to its won deals
    rows: (d) => {
      const a = d.attribution as AttributionOut;
      const base = { model: a.model, periodStart: a.from, periodEnd: a.to };
      return [
        ...a.rows.map((r) => ({
          ...base,
          key: r.key,
          label: r.label,
          channel: r.channel,
          revenue: r.revenue,
          deals: r.deals,
          touchpoints: r.touchpoints,
          spend: r.spend,
          roi: r.roi.value,
          roiNumerator: r.roi.numerator,
          roiDenominator: r.roi.denominator,
          roas: r.roas.value,
        })),
        {
          ...base,
          key: 'UNATTRIBUTED',
          label: 'Won revenue without an eligible touch',
          revenue: a.unattributedRevenue,
          deals: a.unattributedDeals,
          touchpoints: 0,
        },
      ];
    },
  },
  funnel: {
    inputType: 'FunnelInput',
    query: `query Export($input: FunnelInput!) { funnel(input: $input) { basis from to
      steps { stage count inferredCount dropOff conversionFromPrevious { ${RATIO} } conversionFromFirst { ${RATIO} } }
      groups { key label steps { stage count inferredCount dropOff conversionFromPrevious { ${RATIO} } conversionFromFirst { ${RATIO} } } } } }`,
    columns: [
      'basis',
      'periodStart',
      'periodEnd',
      'group',
      'groupLabel',
      'stage',
      'count',
      'inferredCount',
      'dropOff',
      'conversionFromPrevious',
      'previousNumerator',
      'previousDenominator',
      'conversionFromFirst',
      'firstNumerator',
      'firstDenominator',
    ],
    // the total (group TOTAL), then each breakdown group with its label (a campaign's name beside its id)
    rows: (d) => {
      const f = d.funnel as FunnelOut;
      const flat = (group: string, groupLabel: string, steps: FunnelStepOut[]) =>
        steps.map((s) => ({
          basis: f.basis,
          periodStart: f.from,
          periodEnd: f.to,
          group,
          groupLabel,
          stage: s.stage,
          count: s.count,
          inferredCount: s.inferredCount,
          dropOff: s.dropOff,
          conversionFromPrevious: s.conversionFromPrevious?.value,
          previousNumerator: s.conversionFromPrevious?.numerator,
          previousDenominator: s.conversionFromPrevious?.denominator,
          conversionFromFirst: s.conversionFromFirst.value,
          firstNumerator: s.conversionFromFirst.numerator,
          firstDenominator: s.conversionFromFirst.denominator,
        }));
      return [...flat('TOTAL', 'Total', f.steps), ...f.groups.flatMap((g) => flat(g.key, g.label, g.steps))];
    },
  },
  handoff: {
    inputType: 'HandoffFeedbackInput',
    query: `query Export($input: HandoffFeedbackInput!) { handoffFeedback(input: $input) { slaHours
      total { ${HANDOFF_GROUP} } groups { ${HANDOFF_GROUP} } } }`,
    columns: [
      'key',
      'label',
      'mqls',
      'accepted',
      'returned',
      'pending',
      'acceptanceRate',
      'responses',
      'responseMeanHours',
      'responseMedianHours',
      'slaHours',
      'slaOnTime',
      'slaDue',
      'slaCompliance',
      ...REASONS.map((r) => `returned_${r}`),
    ],
    // one row per group, then the TOTAL row (the groups sum to it)
    rows: (d) => {
      const h = d.handoffFeedback as { slaHours: number; total: HandoffGroupOut; groups: HandoffGroupOut[] };
      return [...h.groups, h.total].map((g) => ({
        key: g.key,
        label: g.label,
        mqls: g.mqls,
        accepted: g.accepted,
        returned: g.returned,
        pending: g.pending,
        acceptanceRate: g.acceptanceRate.value,
        responses: g.responseHours.count,
        responseMeanHours: g.responseHours.mean,
        responseMedianHours: g.responseHours.median,
        slaHours: h.slaHours,
        slaOnTime: g.slaCompliance.numerator,
        slaDue: g.slaCompliance.denominator,
        slaCompliance: g.slaCompliance.value,
        ...Object.fromEntries(
          REASONS.map((r) => [`returned_${r}`, g.rejectionReasons.find((x) => x.reason === r)?.count ?? 0]),
        ),
      }));
    },
  },
  'closing-profile': {
    inputType: 'ClosingProfileInput',
    query: `query Export($input: ClosingProfileInput!) { closingProfile(input: $input) {
      population successes failures baseRate { ${RATIO} }
      signals { dimension key label successes failures rate { ${RATIO} } rateLow rateHigh oddsRatio oddsRatioLow
        oddsRatioHigh pValue qValue lift } } }`,
    columns: [
      'population',
      'dimension',
      'key',
      'label',
      'successes',
      'failures',
      'rate',
      'rateLow',
      'rateHigh',
      'oddsRatio',
      'oddsRatioLow',
      'oddsRatioHigh',
      'pValue',
      'qValue',
      'lift',
      'baseRate',
    ],
    // one row per signal in the report's order (q, strength, dimension, key), then the POPULATION row
    rows: (d) => {
      const p = d.closingProfile as ClosingProfileOut;
      const base = { population: p.population, baseRate: p.baseRate.value };
      return [
        ...p.signals.map((x) => ({
          ...base,
          dimension: x.dimension,
          key: x.key,
          label: x.label,
          successes: x.successes,
          failures: x.failures,
          rate: x.rate.value,
          rateLow: x.rateLow,
          rateHigh: x.rateHigh,
          oddsRatio: x.oddsRatio,
          oddsRatioLow: x.oddsRatioLow,
          oddsRatioHigh: x.oddsRatioHigh,
          pValue: x.pValue,
          qValue: x.qValue,
          lift: x.lift,
        })),
        {
          ...base,
          dimension: 'POPULATION',
          key: 'TOTAL',
          label: 'All',
          successes: p.successes,
          failures: p.failures,
          rate: p.baseRate.value,
        },
      ];
    },
  },
};
