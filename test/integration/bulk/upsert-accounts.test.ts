import { Role } from '../../../src/common/graphql/enums';
import { BulkOut, UPSERT_ACCOUNTS } from '../../support/ops';
import { startTestApi, TestApi } from '../../support/test-server';
import { unique } from '../../support/unique';

const ACCOUNT = `query($id: ID!) { account(id: $id) { externalId name domain industry region employees } }`;

describe('Mutation.upsertAccounts', () => {
  let api: TestApi;
  beforeAll(async () => (api = await startTestApi()));
  afterAll(() => api.close());
  const upsert = async (input: unknown[], allOrNone = false) =>
    (await api.ok<{ upsertAccounts: BulkOut }>(UPSERT_ACCOUNTS, { input, allOrNone }, Role.SERVICE)).upsertAccounts;
  const count = async (prefix: string) =>
    Number((await api.ds.query(`SELECT count(*) AS n FROM accounts WHERE external_id LIKE $1`, [`${prefix}%`]))[0].n);

  it('creates, reports one result per item in input order, and a re-send creates nothing new', async () => {
    const p = unique('acc');
    const input = [
      { externalId: `${p}-1`, name: 'One', domain: 'one.example' },
      { externalId: `${p}-2`, name: 'Two', employees: 10 },
    ];
    const first = await upsert(input);
    expect(first).toMatchObject({ successCount: 2, errorCount: 0 });
    expect(first.results.map((r) => [r.index, r.externalId, r.created, r.success])).toEqual([
      [0, `${p}-1`, true, true],
      [1, `${p}-2`, true, true],
    ]);
    const again = await upsert(input);
    expect(again.results.map((r) => [r.id, r.created, r.success])).toEqual(
      first.results.map((r) => [r.id, false, true]),
    );
    expect(await count(p)).toBe(2);
  });

  it('updates: omitted fields stay, explicit null clears', async () => {
    const p = unique('acc');
    const [{ id }] = (
      await upsert([{ externalId: p, name: 'Old', domain: 'd.example', industry: 'Retail', region: 'EMEA' }])
    ).results;
    await upsert([{ externalId: p, name: 'New', industry: null }]);
    const { account } = await api.ok(ACCOUNT, { id });
    expect(account).toEqual({
      externalId: p,
      name: 'New',
      domain: 'd.example',
      industry: null,
      region: 'EMEA',
      employees: null,
    });
  });

  it('fails bad items alone with a stable code and field; duplicates in one call fail as DUPLICATE_IN_REQUEST', async () => {
    const p = unique('acc');
    const r = await upsert([
      { externalId: `${p}-ok`, name: 'Fine' },
      { externalId: `${p}-bad`, name: '   ' },
      { externalId: `${p}-dup`, name: 'A' },
      { externalId: `${p}-neg`, name: 'B', employees: -3 },
      { externalId: `${p}-dup`, name: 'B' },
      { externalId: `${p}-nul`, name: 'has \u0000 nul' },
    ]);
    expect(r.results.map((x) => [x.success, x.errors[0]?.code ?? null, x.errors[0]?.field ?? null])).toEqual([
      [true, null, null],
      [false, 'BAD_USER_INPUT', 'name'],
      [false, 'DUPLICATE_IN_REQUEST', null],
      [false, 'BAD_USER_INPUT', 'employees'],
      [false, 'DUPLICATE_IN_REQUEST', null],
      [false, 'BAD_USER_INPUT', 'name'],
    ]);
    expect(r).toMatchObject({ successCount: 1, errorCount: 5 });
    expect(await count(p)).toBe(1);
  });

  it('allOrNone: one failure rolls everything back and the others report ROLLED_BACK', async () => {
    const p = unique('acc');
    const r = await upsert(
      [
        { externalId: `${p}-1`, name: 'One' },
        { externalId: `${p}-2`, name: '' },
        { externalId: `${p}-3`, name: 'Three' },
      ],
      true,
    );
    expect(r.results.map((x) => [x.success, x.id, x.errors[0]?.code])).toEqual([
      [false, null, 'ROLLED_BACK'],
      [false, null, 'BAD_USER_INPUT'],
      [false, null, 'ROLLED_BACK'],
    ]);
    expect(await count(p)).toBe(0);
  });

  it('refuses more than 500 items as a whole, writing nothing', async () => {
    const p = unique('acc');
    const input = Array.from({ length: 501 }, (_, i) => ({ externalId: `${p}-${i}`, name: 'x' }));
    const r = await api.gql(UPSERT_ACCOUNTS, { input }, Role.SERVICE);
    expect(r.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(await count(p)).toBe(0);
  });
});
