import { DataSource } from 'typeorm';
import { AppError, badInput, notFound } from '../../common/errors/app-error';
import { RejectionReason } from '../../common/graphql/enums';
import { dbId } from '../../common/graphql/ids';
import { rows } from '../../db/sql';
import { checkPeriod, checkSlaHours } from '../analytics/core/period';
import { ratio } from '../analytics/core/ratio.calc';
import { SPEC_COLUMNS } from './auto-mql';
import { BacktestSideRow, queryBacktest } from './backtest.query';
import { checkDefinition, DefinitionSpec } from './definition.check';
import { HandoffRow, queryHandoff } from './handoff.query';
import { handoffRollupApplies, queryHandoffRollup } from './handoff-rollup.query';
import { activeSlaHours } from './qualification.repository';
import {
  BacktestSide,
  HandoffFeedback,
  HandoffFeedbackInput,
  HandoffGroup,
  QualificationBacktest,
  QualificationBacktestInput,
} from './qualification.types';

const reasons = (r: { reason: string; count: number }[] | null) =>
  (r ?? []).map((x) => ({ reason: x.reason as RejectionReason, count: x.count }));

async function backtestDefinition(ds: DataSource, input: QualificationBacktestInput): Promise<DefinitionSpec> {
  if ((input.definitionId == null) === (input.definition == null))
    throw badInput('Give exactly one of definitionId and definition', 'definitionId');
  if (input.definition) {
    try {
      return checkDefinition(input.definition);
    } catch (e) {
      // the inline definition's fields are named from the backtest input
      if (e instanceof AppError && e.field) throw new AppError(e.code, e.message, { field: `definition.${e.field}` });
      throw e;
    }
  }
  const key = dbId(input.definitionId!);
  const [d] = key
    ? await rows<DefinitionSpec>(ds, `SELECT ${SPEC_COLUMNS} FROM qualification_definitions d WHERE d.id = $1`, [key])
    : [];
  if (!d) throw notFound('QualificationDefinition', input.definitionId!, 'definitionId');
  return d;
}

/** Backtest of any definition over a period beside the actual practice (definitions.md §8). */
export async function qualificationBacktest(
  ds: DataSource,
  input: QualificationBacktestInput,
): Promise<QualificationBacktest> {
  const now = new Date();
  const { from, to, asOf } = checkPeriod(input.from, input.to, input.asOf, now);
  const def = await backtestDefinition(ds, input);
  const r = await queryBacktest(ds, def, from, to, asOf, asOf >= now);
  const toSide = (s: BacktestSideRow): BacktestSide => ({
    qualified: s.qualified,
    precisionSql: ratio(s.withSql, s.qualified),
    recallSql: ratio(s.withSql, r.sqls),
    precisionCustomer: ratio(s.withCustomer, s.qualified),
    recallCustomer: ratio(s.withCustomer, r.customers),
    rejected: s.rejected,
    rejectionReasons: reasons(s.reasons),
    medianDaysToQualify: s.medianDays,
  });
  return {
    leads: r.leads,
    definition: toSide(r.definition),
    actual: toSide(r.actual),
    both: r.both,
    onlyDefinition: r.onlyDefinition,
    onlyActual: r.onlyActual,
  };
}

const toGroup = (r: HandoffRow): HandoffGroup => ({
  key: r.key ?? 'TOTAL',
  label: r.label ?? 'Total',
  mqls: r.mqls,
  accepted: r.accepted,
  returned: r.returned,
  pending: r.pending,
  acceptanceRate: ratio(r.accepted, r.accepted + r.returned),
  rejectionReasons: reasons(r.reasons),
  responseHours: { count: r.responses, mean: r.responseMean, median: r.responseMedian },
  slaCompliance: ratio(r.onTime, r.onTime + r.breached),
});

/** Sales' feedback on the leads marketing handed over, by where they came from (definitions.md §9). */
export async function handoffFeedback(ds: DataSource, input: HandoffFeedbackInput): Promise<HandoffFeedback> {
  const now = new Date();
  const { from, to, asOf } = checkPeriod(input.from, input.to, input.asOf, now);
  const slaHours = checkSlaHours(input.slaHours ?? (await activeSlaHours(ds)));
  const current = asOf >= now;
  const out =
    (handoffRollupApplies(from, to, current) &&
      (await queryHandoffRollup(ds, input.groupBy, from, to, asOf, slaHours))) ||
    (await queryHandoff(ds, input.groupBy, from, to, asOf, current, slaHours));
  return {
    total: toGroup(out.find((r) => r.key === null)!),
    groups: out.filter((r) => r.key !== null).map(toGroup),
    slaHours,
  };
}
