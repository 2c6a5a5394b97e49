import { Role } from '../../../common/graphql/enums';
import { checkDefinition, maxEngagement, maxFit } from '../definition.check';
import { approvalsComplete } from '../qualification.service';
import { QualificationDefinitionInput } from '../qualification.types';

const base = {
  name: 'd',
  fitRules: [{ attribute: 'TITLE', op: 'CONTAINS_ANY', values: [' VP '], points: 30 }],
  engagementRules: [{ touchType: 'EMAIL_CLICK', points: 10 }],
  fitThreshold: 30,
  engagementThreshold: 40,
} as unknown as QualificationDefinitionInput;
const field = (patch: Record<string, unknown>) => {
  try {
    checkDefinition({ ...base, ...patch } as QualificationDefinitionInput);
    return 'valid';
  } catch (e) {
    return (e as { field?: string }).field;
  }
};

describe('checkDefinition', () => {
  it('fills the defaults and trims values', () => {
    const d = checkDefinition(base);
    expect([d.engagementWindowDays, d.engagementHalfLifeDays, d.responseSlaHours]).toEqual([90, null, 24]);
    expect(d.fitRules[0].values).toEqual(['VP']);
  });

  it('names the field of each refusal', () => {
    expect(field({ fitRules: [{ attribute: 'REGION', op: 'BETWEEN', max: 3, points: 1 }] })).toBe('fitRules[0].op');
    expect(field({ fitRules: [{ attribute: 'EMPLOYEES', op: 'BETWEEN', min: 5, max: 5, points: 1 }] })).toBe(
      'fitRules[0].max',
    );
    expect(field({ fitRules: [{ attribute: 'EMPLOYEES', op: 'IN', values: ['ten'], points: 1 }] })).toBe(
      'fitRules[0].values[0]',
    );
    expect(field({ fitRules: [{ attribute: 'TITLE', op: 'IN', min: 1, values: ['a'], points: 1 }] })).toBe(
      'fitRules[0].min',
    );
    expect(field({ fitRules: [{ attribute: 'TITLE', op: 'IN', values: ['a'], points: 1.5 }] })).toBe(
      'fitRules[0].points',
    );
    expect(field({ fitThreshold: 31 })).toBe('fitThreshold');
    expect(field({ engagementRules: [{ points: 10, maxCount: 3 }] })).toBe('engagementThreshold');
    expect(field({ engagementRules: [{ points: -10 }] })).toBe('engagementThreshold');
    expect(field({ responseSlaHours: 0 })).toBe('responseSlaHours');
    expect(field({ engagementWindowDays: 1.5 })).toBe('engagementWindowDays');
  });

  it('a reachable threshold is valid: negative rules never raise the ceiling, an uncapped rule has none', () => {
    expect(maxFit([{ points: 30 }, { points: -50 }, { points: 5 }])).toBe(35);
    expect(
      maxEngagement([
        { points: 10, maxCount: 2 },
        { points: -5, maxCount: null },
      ]),
    ).toBe(20);
    expect(maxEngagement([{ points: 10, maxCount: null }])).toBe(Infinity);
    expect(field({ engagementRules: [{ points: 10, maxCount: 4 }] })).toBe('valid');
  });
});

describe('approvalsComplete (the two-key rule)', () => {
  const a = (sub: string, role: Role) => ({ sub, role });
  it('needs two principals, one per side; REVOPS and ADMIN count for either side', () => {
    expect(approvalsComplete(a('m', Role.MARKETING), a('s', Role.SALES))).toBe(true);
    expect(approvalsComplete(a('s', Role.SALES), a('m', Role.MARKETING))).toBe(true);
    expect(approvalsComplete(a('m', Role.MARKETING), a('m2', Role.MARKETING))).toBe(false);
    expect(approvalsComplete(a('s', Role.SALES), a('s2', Role.SALES))).toBe(false);
    expect(approvalsComplete(a('r', Role.REVOPS), a('r2', Role.REVOPS))).toBe(true);
    expect(approvalsComplete(a('m', Role.MARKETING), a('x', Role.ADMIN))).toBe(true);
    expect(approvalsComplete(a('x', Role.ADMIN), a('x', Role.SALES))).toBe(false);
  });
});
