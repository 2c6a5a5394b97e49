import { parse, OperationDefinitionNode, validate } from 'graphql';
import { buildAppSchema } from '../../../schema';
import * as costModule from '../cost';
import { operationCost } from '../cost';
import { OperationLimits } from '../limits.plugin';
import { Role } from '../../graphql/enums';
import { Context } from '../../../context';
import { LeakyBuckets } from '../leaky-bucket';
import { LIMIT_RULES } from '../validation-rules';

const schema = buildAppSchema();
const cost = (q: string, variables: Record<string, unknown> = {}) => {
  const doc = parse(q);
  return operationCost(schema, doc, doc.definitions[0] as OperationDefinitionNode, variables);
};
const errors = (q: string) => validate(schema, parse(q), LIMIT_RULES).map((e) => e.message);

describe('operationCost', () => {
  it('prices connections by first × the page, from literals and variables alike', () => {
    expect(cost(`{ deals(first: 100) { nodes { id name account { name } owner { email } } } }`)).toBe(2 + 100 * 3);
    expect(cost(`query($n: Int) { deals(first: $n) { nodes { id } } }`, { n: 99_999_999 })).toBe(2 + 99_999_999);
    expect(cost(`{ deals { nodes { id } } }`)).toBe(2 + 20); // the default page
  });

  it('nested pages multiply; analytics and mutations carry their own price', () => {
    expect(cost(`{ leads(first: 10) { nodes { touchpoints(first: 10) { nodes { id } } } } }`)).toBe(
      2 + 10 * (1 + 2 + 10 * 1),
    );
    expect(
      cost(`{ kpis(input: { from: "2025-01-01T00:00:00Z", to: "2025-02-01T00:00:00Z" }) { leads winRate { value } } }`),
    ).toBe(1 + 1 + 50);
    expect(cost(`mutation { upsertDeals(input: []) { successCount } }`)).toBe(1 + 10);
  });

  it('fragments are followed once; a scalar-only query costs 1', () => {
    expect(cost(`{ me { ...F } } fragment F on User { id email }`)).toBe(1);
    expect(cost(`{ __typename }`)).toBe(1);
  });
});

describe('LIMIT_RULES', () => {
  it('refuse depth over 8 (through fragments), more than 15 aliases, more than 10 directives', () => {
    const deep = `{ deals(first: 1) { nodes { leads { deals(first: 1) { nodes { leads { account { name } } } } } } } }`;
    expect(errors(deep)).toEqual([]);
    const deeper = `{ deals(first: 1) { nodes { leads { deals(first: 1) { nodes { leads { deals(first: 1) { nodes { id } } } } } } } } }`;
    expect(errors(deeper)).toEqual(['Query is 9 levels deep; the limit is 8']);
    expect(errors(`{ ${Array.from({ length: 16 }, (_, i) => `a${i}: me { id }`).join(' ')} }`)).toEqual([
      'Query uses 16 aliases; the limit is 15',
    ]);
    expect(errors(`{ me { ${Array.from({ length: 11 }, () => 'id @include(if: true)').join(' ')} } }`)).toEqual([
      'Query uses 11 directives; the limit is 10',
    ]);
  });
});

describe('LeakyBuckets', () => {
  it('takes costs, refuses with the seconds to wait, and refills at the rate', () => {
    let now = 0;
    const b = new LeakyBuckets(100, 10, () => now);
    expect(b.take('a', 60)).toEqual({ ok: true, remaining: 40 });
    expect(b.take('a', 60)).toEqual({ ok: false, retryAfterSeconds: 2, remaining: 40 });
    expect(b.take('b', 100)).toEqual({ ok: true, remaining: 0 }); // buckets are per principal
    now = 2000;
    expect(b.take('a', 60)).toEqual({ ok: true, remaining: 0 });
    now = 100_000;
    expect(b.take('a', 1)).toEqual({ ok: true, remaining: 99 }); // never above capacity
  });
});

describe('OperationLimits: the cost of a query sent again', () => {
  const limits = () =>
    new OperationLimits({ maxCost: 1_000_000, bucketCapacity: 1e9, refillPerSecond: 1e9, redisUrl: null });
  const viewer = { sub: 'a@example.com', role: Role.ANALYST } as Context['viewer'];
  const doc = parse(`query($n: Int) { deals(first: $n) { nodes { id account { name } } } }`);
  const op = doc.definitions[0] as OperationDefinitionNode;

  it('is walked once per operation node and variables, and stays exact per variables', async () => {
    const l = limits();
    const walk = jest.spyOn(costModule, 'operationCost');
    try {
      expect((await l.admit(schema, doc, op, { n: 10 }, viewer)).requested).toBe(2 + 10 * 2);
      expect((await l.admit(schema, doc, op, { n: 10 }, viewer)).requested).toBe(2 + 10 * 2);
      expect(walk).toHaveBeenCalledTimes(1);
      expect((await l.admit(schema, doc, op, { n: 50 }, viewer)).requested).toBe(2 + 50 * 2);
      expect(walk).toHaveBeenCalledTimes(2);
      // another parse of the same text is another node (the WebSocket door parses each subscription): walked again
      const again = parse(`query($n: Int) { deals(first: $n) { nodes { id account { name } } } }`);
      expect(
        (await l.admit(schema, again, again.definitions[0] as OperationDefinitionNode, { n: 10 }, viewer)).requested,
      ).toBe(22);
      expect(walk).toHaveBeenCalledTimes(3);
    } finally {
      walk.mockRestore();
    }
  });

  it('large variables are priced every time, not kept', async () => {
    const l = limits();
    const walk = jest.spyOn(costModule, 'operationCost');
    try {
      const big = { n: 3, pad: 'x'.repeat(600) };
      await l.admit(schema, doc, op, big, viewer);
      await l.admit(schema, doc, op, big, viewer);
      expect(walk).toHaveBeenCalledTimes(2);
    } finally {
      walk.mockRestore();
    }
  });
});
