import { AttributionGroupBy, AttributionModel } from './attribution.types';

/** The rollup holds the default windows; other lookbacks and half-lives are computed on the fly. */
export const CREDIT_LOOKBACK_DAYS = 365;
export const CREDIT_HALF_LIFE_DAYS = 7;

/**
 * How a model weighs a deal's eligible touches (definitions.md section 6): shares of the FT, LC, OC and CW positions
 * and of the middle; every touch alike; or by time to the close.
 */
export type Weight =
  { positions: readonly [ft: number, lc: number, oc: number, cw: number, middle: number] } | 'linear' | 'timeDecay';

export interface AttributionModelSpec {
  weight: Weight;
  /** A data-driven model: its credit comes from the journeys (calc modules), not from its touch weights. */
  dataDriven: 'MARKOV' | 'SHAPLEY' | null;
  /**
   * The attribution_credit column holding each touch's share under this model (per grouping, when the share depends
   * on it), or null when the model's credit is not kept per touch (MARKOV: the MARKOV rollup's transition counts).
   */
  creditColumn: string | Readonly<Record<AttributionGroupBy, string>> | null;
  /** The per-touch rollup holds the model at these settings only (TIME_DECAY: the default half-life). */
  rollupHolds?: (q: { halfLifeDays: number }) => boolean;
}

/**
 * Every attribution model, in one place: a new model is an entry here (its weight, whether it is data-driven, its
 * credit column) and the migration that adds that column to attribution_credit and attribution_credit_daily.
 */
export const ATTRIBUTION_MODELS: Readonly<Record<AttributionModel, AttributionModelSpec>> = {
  [AttributionModel.FIRST_TOUCH]: {
    weight: { positions: [1, 0, 0, 0, 0] },
    dataDriven: null,
    creditColumn: 'first_touch',
  },
  [AttributionModel.LAST_TOUCH]: {
    weight: { positions: [0, 0, 0, 1, 0] },
    dataDriven: null,
    creditColumn: 'last_touch',
  },
  [AttributionModel.LINEAR]: { weight: 'linear', dataDriven: null, creditColumn: 'linear' },
  [AttributionModel.U_SHAPED]: {
    weight: { positions: [0.4, 0.4, 0, 0, 0.2] },
    dataDriven: null,
    creditColumn: 'u_shaped',
  },
  [AttributionModel.W_SHAPED]: {
    weight: { positions: [0.3, 0.3, 0.3, 0, 0.1] },
    dataDriven: null,
    creditColumn: 'w_shaped',
  },
  [AttributionModel.FULL_PATH]: {
    weight: { positions: [0.225, 0.225, 0.225, 0.225, 0.1] },
    dataDriven: null,
    creditColumn: 'full_path',
  },
  [AttributionModel.TIME_DECAY]: {
    weight: 'timeDecay',
    dataDriven: null,
    creditColumn: 'time_decay',
    rollupHolds: (q) => q.halfLifeDays === CREDIT_HALF_LIFE_DAYS,
  },
  // data-driven: touches are counted alike (LINEAR's weight); the journeys decide the credit
  [AttributionModel.MARKOV]: { weight: 'linear', dataDriven: 'MARKOV', creditColumn: null },
  [AttributionModel.SHAPLEY]: {
    weight: 'linear',
    dataDriven: 'SHAPLEY',
    creditColumn: {
      [AttributionGroupBy.CAMPAIGN]: 'shapley_campaign',
      [AttributionGroupBy.CHANNEL]: 'shapley_channel',
    },
  },
};

export const modelSpec = (model: AttributionModel): AttributionModelSpec => ATTRIBUTION_MODELS[model];

/** The models whose credit is their touch weights (not data-driven), in declaration order. */
export const RULE_BASED_MODELS: readonly AttributionModel[] = (
  Object.keys(ATTRIBUTION_MODELS) as AttributionModel[]
).filter((m) => ATTRIBUTION_MODELS[m].dataDriven === null);

/** The attribution_credit column of a model under a grouping, or null when its credit is not kept per touch. */
export function creditColumn(model: AttributionModel, groupBy: AttributionGroupBy): string | null {
  const c = ATTRIBUTION_MODELS[model].creditColumn;
  return c === null || typeof c === 'string' ? c : c[groupBy];
}
