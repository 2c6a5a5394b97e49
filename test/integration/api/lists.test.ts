import { Role } from '../../../src/common/graphql/enums';
import { BulkOut, RECORD_DEAL_CHANGES, UPSERT_ACCOUNTS, UPSERT_DEALS, UPSERT_LEADS } from '../../support/ops';
import { startTestApi, TestApi } from '../../support/test-server';
import { unique } from '../../support/unique';

const LEADS = `query($f: LeadFilter, $o: LeadOrder, $first: Int, $after: String, $last: Int, $before: String) {
  leads(filter: $f, orderBy: $o, first: $first, after: $after, last: $last, before: $before) {
    totalCount nodes { externalId email updatedAt }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
const ACCOUNTS = `query($f: AccountFilter, $o: AccountOrder, $first: Int, $last: Int, $before: String) {
  accounts(filter: $f, orderBy: $o, first: $first, last: $last, before: $before) {
    totalCount nodes { externalId name } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;

/** Issue 18: text search, incremental sync, backward paging, account filters and lookup. */
describe('lists: search, updatedSince, last/before, accounts', () => {
  let api: TestApi;
  beforeAll(async () => (api = await startTestApi()));
  afterAll(() => api.close());
  const bulk = async (doc: string, name: string, input: unknown[]) =>
    (await api.ok<Record<string, BulkOut>>(doc, { input }, Role.SERVICE))[name];
  const leads = async (vars: Record<string, unknown>, role: Role = Role.REVOPS) =>
    (await api.ok(LEADS, vars, role)).leads;

  it('search is case-insensitive on names, emails and keys, takes % and _ literally, and ANALYST cannot search personal data', async () => {
    const p = unique('srch');
    await bulk(UPSERT_LEADS, 'upsertLeads', [
      { externalId: `${p}-1`, email: `Ada.Lovelace+${p}@Example.com`, firstName: 'Ada' },
      { externalId: `${p}-2`, email: `grace_${p}@example.com`, lastName: 'Hopper 100%' },
      { externalId: `${p}-3`, email: `gracex${p}@example.com` },
    ]);
    const ids = async (search: string, role?: Role) =>
      (await leads({ f: { search }, first: 100 }, role)).nodes.map((n: { externalId: string }) => n.externalId).sort();
    expect(await ids(`ADA.LOVELACE+${p}`)).toEqual([`${p}-1`]);
    expect(await ids(`grace_${p}`)).toEqual([`${p}-2`]); // "_" is not a wildcard: gracex… does not match
    expect(await ids('hopper 100%')).toEqual([`${p}-2`]);
    expect(await ids(`${p}-`)).toEqual([`${p}-1`, `${p}-2`, `${p}-3`]);
    expect(await ids(`ada.lovelace+${p}`, Role.ANALYST)).toEqual([]); // no probing emails through search
    expect(await ids(`${p}-1`, Role.ANALYST)).toEqual([`${p}-1`]);
    const bad = await api.gql(LEADS, { f: { search: '   ' } });
    expect(bad.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.search' });
    // the trigram index can serve it (the planner takes it once the table is large; forced here on a small one)
    const [forced] = await api.ds.transaction(async (tx) => {
      await tx.query('SET LOCAL enable_seqscan = off');
      return tx.query(
        `EXPLAIN (FORMAT JSON) SELECT id FROM leads l WHERE (coalesce(l.email, '') || ' ' || coalesce(l.first_name, '') || ' ' || coalesce(l.last_name, '')) ILIKE '%lovelace%'`,
      );
    });
    expect(JSON.stringify(forced)).toContain('leads_search_personal_idx');
  });

  it('updatedSince returns what changed since, derived changes included (a lead whose deal was won)', async () => {
    const p = unique('upd');
    await bulk(UPSERT_LEADS, 'upsertLeads', [{ externalId: `${p}-a` }, { externalId: `${p}-b` }]);
    await bulk(UPSERT_DEALS, 'upsertDeals', [
      { externalId: `${p}-d`, name: 'D', amount: 5, leadExternalIds: [`${p}-a`] },
    ]);
    const [{ now }] = await api.ds.query(`SELECT clock_timestamp() AS now`);
    const since = new Date(now).toISOString();
    const changed = async () =>
      (await leads({ f: { search: p, updatedSince: since }, first: 100 })).nodes.map(
        (n: { externalId: string }) => n.externalId,
      );
    expect(await changed()).toEqual([]);
    // only the deal is written; lead a's customerAt follows from it, so a is "updated" and b is not
    await bulk(RECORD_DEAL_CHANGES, 'recordDealStageChanges', [{ dealExternalId: `${p}-d`, stage: 'WON' }]);
    expect(await changed()).toEqual([`${p}-a`]);
    // an upsert that changes nothing moves nothing
    await bulk(UPSERT_LEADS, 'upsertLeads', [{ externalId: `${p}-b` }]);
    expect(await changed()).toEqual([`${p}-a`]);
    const ordered = await leads({ f: { search: p }, o: { field: 'UPDATED_AT', direction: 'DESC' }, first: 1 });
    expect(ordered.nodes[0].externalId).toBe(`${p}-a`);
  });

  it('last/before pages backward: the same items as forward, in the same order, with truthful pageInfo', async () => {
    const p = unique('page');
    await bulk(
      UPSERT_LEADS,
      'upsertLeads',
      [1, 2, 3, 4, 5].map((i) => ({ externalId: `${p}-${i}`, createdAt: `1977-01-0${i}T00:00:00.000Z` })),
    );
    const f = { search: p };
    const all = (await leads({ f, first: 5 })).nodes.map((n: { externalId: string }) => n.externalId);
    expect(all).toEqual([1, 2, 3, 4, 5].map((i) => `${p}-${i}`));
    const tail = await leads({ f, last: 2 });
    expect(tail.nodes.map((n: { externalId: string }) => n.externalId)).toEqual(all.slice(3));
    expect(tail.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    const middle = await leads({ f, last: 2, before: tail.pageInfo.startCursor });
    expect(middle.nodes.map((n: { externalId: string }) => n.externalId)).toEqual(all.slice(1, 3));
    expect(middle.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    const head = await leads({ f, last: 2, before: middle.pageInfo.startCursor });
    expect(head.nodes.map((n: { externalId: string }) => n.externalId)).toEqual(all.slice(0, 1));
    expect(head.pageInfo.hasPreviousPage).toBe(false);
    // forward from a backward page's end cursor continues where it ends
    const next = await leads({ f, first: 2, after: middle.pageInfo.endCursor });
    expect(next.nodes.map((n: { externalId: string }) => n.externalId)).toEqual(all.slice(3));
    const desc = await leads({ f, o: { field: 'CREATED_AT', direction: 'DESC' }, last: 2 });
    expect(desc.nodes.map((n: { externalId: string }) => n.externalId)).toEqual([all[1], all[0]]);
    const bad = await api.gql(LEADS, { f, last: 0 });
    expect(bad.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'last' });
    const foreign = await api.gql(LEADS, { f, last: 1, before: 'bm9wZQ' });
    expect(foreign.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'before' });
  });

  it('accounts: filter by search, industry and region, order by name, accountByExternalId', async () => {
    const p = unique('acc');
    await bulk(UPSERT_ACCOUNTS, 'upsertAccounts', [
      { externalId: `${p}-1`, name: `Zeta ${p}`, domain: 'zeta.example', industry: 'Retail', region: 'EMEA' },
      { externalId: `${p}-2`, name: `Alpha ${p}`, domain: 'alpha.example', industry: 'Software', region: 'EMEA' },
      { externalId: `${p}-3`, name: `Mid ${p}`, industry: 'Retail', region: 'AMER' },
    ]);
    const names = async (f: Record<string, unknown>, o?: Record<string, unknown>) =>
      (await api.ok(ACCOUNTS, { f: { search: p, ...f }, o, first: 10 })).accounts.nodes.map(
        (n: { name: string }) => n.name.split(' ')[0],
      );
    expect(await names({}, { field: 'NAME', direction: 'ASC' })).toEqual(['Alpha', 'Mid', 'Zeta']);
    expect(await names({ industries: ['Retail'] }, { field: 'NAME', direction: 'DESC' })).toEqual(['Zeta', 'Mid']);
    expect(await names({ regions: ['EMEA'], industries: ['Retail'] })).toEqual(['Zeta']);
    expect(await names({ search: 'ALPHA.EXAMPLE' })).toEqual(['Alpha']);
    const last = (await api.ok(ACCOUNTS, { f: { search: p }, o: { field: 'NAME', direction: 'ASC' }, last: 1 }))
      .accounts;
    expect(last.nodes.map((n: { name: string }) => n.name.split(' ')[0])).toEqual(['Zeta']);
    const one = await api.ok(`query($e: String!) { accountByExternalId(externalId: $e) { name domain } }`, {
      e: `${p}-2`,
    });
    expect(one.accountByExternalId).toEqual({ name: `Alpha ${p}`, domain: 'alpha.example' });
    expect(
      (await api.ok(`{ accountByExternalId(externalId: "no-such-account") { id } }`)).accountByExternalId,
    ).toBeNull();
  });
});
