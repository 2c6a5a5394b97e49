import { Viewer } from '../common/auth/viewer';
import { Channel, Role, TouchpointType } from '../common/graphql/enums';
import { rows } from '../db/sql';
import { TransactionRunner } from '../db/transaction';
import { approveDefinition, createDefinition, proposeDefinition } from '../modules/qualification/qualification.service';
import { FitAttribute, FitOperator, QualificationDefinitionInput } from '../modules/qualification/qualification.types';

const V1: QualificationDefinitionInput = {
  name: 'Decision makers who engaged',
  note: 'Agreed at the Q4 revenue meeting: a senior title, and a webinar or form (or three clicks) in the last quarter.',
  fitRules: [
    { attribute: FitAttribute.TITLE, op: FitOperator.CONTAINS_ANY, values: ['vp', 'head', 'cmo', 'cfo'], points: 30 },
    { attribute: FitAttribute.EMPLOYEES, op: FitOperator.BETWEEN, min: 200, points: 20 },
    { attribute: FitAttribute.REGION, op: FitOperator.NOT_IN, values: ['LATAM'], points: 5 },
  ],
  engagementRules: [
    { touchType: TouchpointType.WEBINAR_ATTENDED, points: 40 },
    { touchType: TouchpointType.FORM_SUBMISSION, points: 30 },
    { touchType: TouchpointType.EMAIL_CLICK, points: 10, maxCount: 3 },
    { channel: Channel.PAID_SEARCH, points: 5, maxCount: 2 },
  ],
  fitThreshold: 30,
  engagementThreshold: 40,
  engagementWindowDays: 90,
  engagementHalfLifeDays: 30,
  responseSlaHours: 24,
};

/** The draft sales asked for: fit must include the industry (the backtest form compares it with V1). */
const V2: QualificationDefinitionInput = {
  ...V1,
  name: 'Decision makers in our industries',
  note: 'Sales proposal: only Software and Finance accounts, higher fit bar.',
  fitRules: [
    ...V1.fitRules,
    { attribute: FitAttribute.INDUSTRY, op: FitOperator.IN, values: ['Software', 'Finance'], points: 25 },
  ],
  fitThreshold: 55,
};

/**
 * The demo's agreement: v1 drafted by marketing, approved by marketing and a sales rep (so it is active, and the
 * service applies it to every lead), and a v2 draft to backtest. Skipped when the database already has definitions.
 */
export async function seedAgreement(transactions: TransactionRunner): Promise<void> {
  const [{ n }] = await rows<{ n: number }>(
    transactions.ds,
    `SELECT count(*)::int AS n FROM qualification_definitions`,
  );
  if (n > 0) return;
  const mia: Viewer = { sub: 'marketing@demo.example', role: Role.MARKETING };
  const bo: Viewer = { sub: 'bo@demo.example', role: Role.SALES };
  const v1 = await createDefinition(transactions, mia, V1);
  await proposeDefinition(transactions, mia, v1.id);
  await approveDefinition(transactions, mia, v1.id);
  await approveDefinition(transactions, bo, v1.id);
  await createDefinition(transactions, bo, V2);
}
