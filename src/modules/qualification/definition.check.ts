import { badInput } from '../../common/errors/app-error';
import { checkText } from '../../common/validation/checks';
import { FitAttribute, FitOperator, FitRuleInput, QualificationDefinitionInput } from './qualification.types';

/** A definition as stored (jsonb rules in the API's shape; values as given, trimmed). */
export interface DefinitionSpec {
  name: string;
  note: string | null;
  fitRules: {
    attribute: FitAttribute;
    op: FitOperator;
    values: string[] | null;
    min: number | null;
    max: number | null;
    points: number;
  }[];
  engagementRules: { touchType: string | null; channel: string | null; points: number; maxCount: number | null }[];
  fitThreshold: number;
  engagementThreshold: number;
  engagementWindowDays: number;
  engagementHalfLifeDays: number | null;
  responseSlaHours: number;
}

const MAX_RULES = 50;
const MAX_VALUES = 200;
const MAX_POINTS = 1_000_000;
const NUMERIC = new Set([FitAttribute.EMPLOYEES]);
const LISTS = new Set([FitOperator.IN, FitOperator.NOT_IN, FitOperator.CONTAINS_ANY]);

/** The highest fit score a lead can have: every rule with positive points matching at once (an upper bound). */
export const maxFit = (rules: { points: number }[]): number => rules.reduce((s, r) => s + Math.max(0, r.points), 0);

/**
 * The highest engagement score a lead can have (decay never lifts a touch above its points): per rule with positive
 * points, points × maxCount; unbounded when such a rule has no maxCount.
 */
export const maxEngagement = (rules: { points: number; maxCount: number | null }[]): number =>
  rules.reduce((s, r) => (r.points <= 0 ? s : r.maxCount == null ? Infinity : s + r.points * r.maxCount), 0);

function checkNumber(v: number | null | undefined, field: string, lo: number, hi: number, int = false): void {
  if (v == null) return;
  if (!Number.isFinite(v) || v < lo || v > hi || (int && !Number.isInteger(v)))
    throw badInput(`${field} must be ${int ? 'an integer' : 'a number'} from ${lo} to ${hi}`, field);
}

function fitRule(r: FitRuleInput, i: number): DefinitionSpec['fitRules'][number] {
  const at = (f: string) => `fitRules[${i}].${f}`;
  const numeric = NUMERIC.has(r.attribute);
  if (r.op === FitOperator.BETWEEN && !numeric)
    throw badInput(`BETWEEN compares numbers: ${r.attribute} is text (use IN, NOT_IN or CONTAINS_ANY)`, at('op'));
  if (r.op === FitOperator.CONTAINS_ANY && numeric)
    throw badInput(`CONTAINS_ANY looks inside text: ${r.attribute} is a number (use BETWEEN or IN)`, at('op'));
  checkNumber(r.points, at('points'), -MAX_POINTS, MAX_POINTS, true);
  if (r.op === FitOperator.BETWEEN) {
    if (r.values != null) throw badInput('BETWEEN takes min and/or max, not values', at('values'));
    if (r.min == null && r.max == null) throw badInput('BETWEEN needs min, max or both', at('min'));
    checkNumber(r.min, at('min'), -1e12, 1e12);
    checkNumber(r.max, at('max'), -1e12, 1e12);
    if (r.min != null && r.max != null && r.min >= r.max)
      throw badInput('min must be below max (the range is min ≤ v < max)', at('max'));
    return { attribute: r.attribute, op: r.op, values: null, min: r.min ?? null, max: r.max ?? null, points: r.points };
  }
  if (r.min != null || r.max != null)
    throw badInput(`${r.op} takes values, not min/max`, at(r.min != null ? 'min' : 'max'));
  if (!LISTS.has(r.op) || !r.values?.length) throw badInput(`${r.op} needs at least one value`, at('values'));
  if (r.values.length > MAX_VALUES) throw badInput(`At most ${MAX_VALUES} values`, at('values'));
  const values = r.values.map((v, j) => {
    checkText(v, `${at('values')}[${j}]`, 200);
    const t = v.trim();
    if (t === '') throw badInput('values must not be empty', `${at('values')}[${j}]`);
    if (numeric && !/^\d+$/.test(t)) throw badInput(`${r.attribute} values are whole numbers`, `${at('values')}[${j}]`);
    return numeric ? String(Number(t)) : t;
  });
  return { attribute: r.attribute, op: r.op, values, min: null, max: null, points: r.points };
}

/** Validates a definition input completely (BAD_USER_INPUT naming the field path) and returns what is stored. */
export function checkDefinition(input: QualificationDefinitionInput): DefinitionSpec {
  if (!input.name?.trim()) throw badInput('name must not be empty', 'name');
  checkText(input.name, 'name', 200);
  checkText(input.note, 'note', 4000);
  if (input.fitRules.length > MAX_RULES) throw badInput(`At most ${MAX_RULES} fit rules`, 'fitRules');
  if (input.engagementRules.length > MAX_RULES)
    throw badInput(`At most ${MAX_RULES} engagement rules`, 'engagementRules');
  const fitRules = input.fitRules.map(fitRule);
  const engagementRules = input.engagementRules.map((r, i) => {
    checkNumber(r.points, `engagementRules[${i}].points`, -MAX_POINTS, MAX_POINTS, true);
    checkNumber(r.maxCount, `engagementRules[${i}].maxCount`, 1, 10_000, true);
    return {
      touchType: r.touchType ?? null,
      channel: r.channel ?? null,
      points: r.points,
      maxCount: r.maxCount ?? null,
    };
  });
  checkNumber(input.fitThreshold, 'fitThreshold', -MAX_POINTS * MAX_RULES, MAX_POINTS * MAX_RULES, true);
  checkNumber(input.engagementThreshold, 'engagementThreshold', -1e12, 1e12);
  const windowDays = input.engagementWindowDays ?? 90;
  checkNumber(windowDays, 'engagementWindowDays', 1, 3660, true);
  checkNumber(input.engagementHalfLifeDays, 'engagementHalfLifeDays', 0.001, 3660);
  const sla = input.responseSlaHours ?? 24;
  checkNumber(sla, 'responseSlaHours', 0.001, 24 * 366);
  const fitCeiling = maxFit(fitRules);
  if (input.fitThreshold > fitCeiling)
    throw badInput(
      `fitThreshold ${input.fitThreshold} can never be met: the fit rules give at most ${fitCeiling} points`,
      'fitThreshold',
    );
  const engCeiling = maxEngagement(engagementRules);
  if (input.engagementThreshold > engCeiling)
    throw badInput(
      `engagementThreshold ${input.engagementThreshold} can never be met: the engagement rules give at most ${engCeiling} points`,
      'engagementThreshold',
    );
  return {
    name: input.name.trim(),
    note: input.note ?? null,
    fitRules,
    engagementRules,
    fitThreshold: input.fitThreshold,
    engagementThreshold: input.engagementThreshold,
    engagementWindowDays: windowDays,
    engagementHalfLifeDays: input.engagementHalfLifeDays ?? null,
    responseSlaHours: sla,
  };
}
