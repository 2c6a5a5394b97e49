import { Role } from '../../../src/common/graphql/enums';
import { UPSERT_ACCOUNTS, UPSERT_DEALS, UPSERT_LEADS, UPSERT_USERS } from '../../support/ops';
import { startTestApi, TestApi } from '../../support/test-server';
import { unique } from '../../support/unique';

const NESTED = `query($n: Int, $f: DealFilter) { deals(first: $n, filter: $f) { nodes { account { name } owner { email } leads { email } stage { key } } } }`;

/** No N+1: the SQL statements of a nested list do not grow with the page size (x-sql-statements, counted per request). */
describe('DataLoader batching', () => {
  let api: TestApi;
  // every deal of this test, and only those, at one instant of its own
  const createdAt = new Date(Date.UTC(2020, 0, 1) + Math.floor(Math.random() * 1e9)).toISOString();
  const filter = { createdFrom: createdAt, createdTo: new Date(Date.parse(createdAt) + 1).toISOString() };
  beforeAll(async () => {
    api = await startTestApi();
    const p = unique('n1');
    await api.ok(UPSERT_USERS, { input: [0, 1, 2].map((i) => ({ email: `${p}-${i}@x.example`, role: 'SALES' })) });
    await api.ok(UPSERT_ACCOUNTS, {
      input: Array.from({ length: 10 }, (_, i) => ({
        externalId: `${p}-A${i}`,
        name: `A${i}`,
        domain: `a${i}.example`,
        industry: `I${i % 3}`,
      })),
    });
    await api.ok(UPSERT_LEADS, {
      input: Array.from({ length: 120 }, (_, i) => ({
        externalId: `${p}-L${i}`,
        email: `l${i}@x.example`,
        accountExternalId: `${p}-A${i % 10}`,
      })),
    });
    await api.ok(UPSERT_DEALS, {
      input: Array.from({ length: 110 }, (_, i) => ({
        externalId: `${p}-D${i}`,
        name: `D${i}`,
        amount: i,
        accountExternalId: `${p}-A${i % 10}`,
        ownerEmail: `${p}-${i % 3}@x.example`,
        leadExternalIds: [`${p}-L${i}`, `${p}-L${(i + 1) % 120}`],
        createdAt,
      })),
    });
  });
  afterAll(() => api.close());

  const statements = async (n: number) => {
    const r = await api.gql(NESTED, { n, f: filter }, Role.ANALYST);
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data!.deals.nodes).toHaveLength(n);
    return Number(r.headers.get('x-sql-statements'));
  };

  it('deals(first: 100) with account, owner, leads and stage costs as many statements as first: 5 (at most 4)', async () => {
    const five = await statements(5);
    const hundred = await statements(100);
    expect(hundred).toBe(five);
    // account, owner and leads are embedded in the page's own statement (look-ahead priming); stage is one loader
    expect(hundred).toBe(2);
  });

  it('embedded children are exactly what the loaders give (same fields, same instants, same order)', async () => {
    const FIELDS = `id name amount account { id externalId name industry region createdAt } owner { id email name role }
      leads { id externalId email firstName stage status createdAt mqlAt salAt sqlAt opportunityAt customerAt }`;
    const page = await api.gql(
      `query($f: DealFilter) { deals(first: 100, filter: $f) { nodes { externalId ${FIELDS} } } }`,
      { f: filter },
    );
    expect(Number(page.headers.get('x-sql-statements'))).toBe(1);
    for (const d of page.body.data!.deals.nodes.slice(0, 20)) {
      // dealByExternalId does not embed: its children come through the DataLoaders
      const one = await api.gql(`query($e: String!) { dealByExternalId(externalId: $e) { externalId ${FIELDS} } }`, {
        e: d.externalId,
      });
      expect(one.body.data!.dealByExternalId).toEqual(d);
    }
    const byId = await api.gql(`query($id: ID!) { deal(id: $id) { externalId ${FIELDS} } }`, {
      id: page.body.data!.deals.nodes[0].id,
    });
    expect(byId.body.data!.deal).toEqual(page.body.data!.deals.nodes[0]);
    expect(Number(byId.headers.get('x-sql-statements'))).toBe(1);
    // personal data stays hidden from ANALYST on the embedded path too
    const analyst = await api.gql(
      `query($f: DealFilter) { deals(first: 3, filter: $f) { nodes { leads { email firstName } } } }`,
      { f: filter },
      Role.ANALYST,
    );
    expect(analyst.body.data!.deals.nodes.flatMap((n: any) => n.leads)).toEqual(
      expect.arrayContaining([{ email: null, firstName: null }]),
    );
    expect(analyst.body.data!.deals.nodes.flatMap((n: any) => n.leads).every((l: any) => l.email === null)).toBe(true);
  });

  it('embedded rows carry every column the operation reads on their type, whatever path reads it (columns.ts)', async () => {
    // the page embeds only the columns selected on Account/Lead; the same loaders then serve other paths of the same
    // operation (a lead's account, the root account field through a fragment), which must still get every field
    const q = `query($f: DealFilter, $a: ID!) {
      deals(first: 5, filter: $f) { nodes { id account { name } leads { email account { domain industry } } } }
      account(id: $a) { ...A }
    }
    fragment A on Account { id externalId name domain industry region createdAt }`;
    const first = await api.gql(`query($f: DealFilter) { deals(first: 1, filter: $f) { nodes { account { id } } } }`, {
      f: filter,
    });
    const accountId = first.body.data!.deals.nodes[0].account.id;
    const r = await api.gql(q, { f: filter, a: accountId });
    expect(r.body.errors).toBeUndefined();
    const alone = await api.gql(
      `query($a: ID!) { account(id: $a) { ...A } } fragment A on Account { id externalId name domain industry region createdAt }`,
      { a: accountId },
    );
    expect(r.body.data!.account).toEqual(alone.body.data!.account);
    expect(r.body.data!.account.externalId).toMatch(/-A\d$/);
    expect(r.body.data!.account.createdAt).toEqual(expect.any(String));
    for (const d of r.body.data!.deals.nodes) {
      const one = await api.gql(`query($id: ID!) { deal(id: $id) { leads { email account { domain industry } } } }`, {
        id: d.id,
      });
      expect(d.leads).toEqual(one.body.data!.deal.leads);
      expect(
        d.leads.every((l: any) => /^a\d\.example$/.test(l.account.domain) && /^I\d$/.test(l.account.industry)),
      ).toBe(true);
    }
  });

  it('nested connections are batched too: accounts → leads/deals, leads → touchpoints, stage history', async () => {
    const q = `query($n: Int) { accounts(first: $n) { nodes { leads(first: 3) { totalCount nodes { touchpoints(first: 2) { totalCount } stageHistory { event } deals { stageHistory { toStage } } } } deals(first: 2) { nodes { name } } } } }`;
    const count = async (n: number) => Number((await api.gql(q, { n })).headers.get('x-sql-statements'));
    // one statement per relation at most, whatever the page size: 1 list + 6 child loaders
    expect(await count(100)).toBeLessThanOrEqual(7);
    expect(await count(2)).toBeLessThanOrEqual(7);
  });
});
