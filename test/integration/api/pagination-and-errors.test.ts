import { Role } from '../../../src/common/graphql/enums';
import { at, UPSERT_DEALS, UPSERT_LEADS } from '../../support/ops';
import { startScratchApi, startTestApi, TestApi } from '../../support/test-server';
import { unique } from '../../support/unique';

describe('connections and client errors', () => {
  let api: TestApi;
  beforeAll(async () => (api = await startTestApi()));
  afterAll(() => api.close());

  it('keyset cursors walk every row once, and are stable when rows are inserted in front of the cursor', async () => {
    const p = unique('page');
    await api.ok(UPSERT_DEALS, {
      input: Array.from({ length: 25 }, (_, i) => ({
        externalId: `${p}-${i}`,
        name: p,
        amount: 100 + (i % 5),
        createdAt: at('2025-02-01'),
      })),
    });
    const q = `query($after: String, $o: DealOrder) { deals(first: 10, after: $after, orderBy: $o, filter: { createdFrom: "2025-02-01T12:00:00Z", createdTo: "2025-02-01T12:00:01Z" }) { totalCount edges { cursor node { externalId amount } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`;
    for (const o of [null, { field: 'AMOUNT', direction: 'DESC' }]) {
      const seen: string[] = [];
      let after: string | null = null;
      for (let pageNo = 0; ; pageNo++) {
        const { deals }: any = await api.ok(q, { after, o });
        seen.push(...deals.edges.map((e: any) => e.node.externalId).filter((x: string) => x.startsWith(p)));
        expect(deals.pageInfo.hasPreviousPage).toBe(pageNo > 0);
        if (pageNo === 0) {
          // an insert that sorts before the cursor must not shift the next page
          await api.ok(UPSERT_DEALS, {
            input: [{ externalId: `${p}-early-${o ? 'a' : 'c'}`, name: p, amount: 999, createdAt: at('2025-01-01') }],
          });
        }
        if (!deals.pageInfo.hasNextPage) break;
        after = deals.pageInfo.endCursor;
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.filter((x) => !x.includes('early'))).toHaveLength(25);
    }
  });

  it.each([
    ['first above 100', `{ leads(first: 101) { totalCount } }`, {}, 'BAD_USER_INPUT'],
    ['first below 1 (variables too)', `query($n: Int) { leads(first: $n) { totalCount } }`, { n: 0 }, 'BAD_USER_INPUT'],
    ['a cursor we never gave out', `{ leads(after: "bm9wZQ") { totalCount } }`, {}, 'BAD_USER_INPUT'],
    [
      'a bad enum in variables',
      `query($f: LeadFilter) { leads(filter: $f) { totalCount } }`,
      { f: { stages: ['NOPE'] } },
      'BAD_USER_INPUT',
    ],
    ['a bad enum inline', `{ leads(filter: { stages: [NOPE] }) { totalCount } }`, {}, 'GRAPHQL_VALIDATION_FAILED'],
    [
      'a bad date',
      `mutation($i: [LeadInput!]!) { upsertLeads(input: $i) { successCount } }`,
      { i: [{ externalId: 'x', createdAt: '2025-13-45' }] },
      'BAD_USER_INPUT',
    ],
    [
      'a non-finite amount',
      `mutation { upsertDeals(input: [{ externalId: "x", name: "x", amount: 1e400 }]) { results { errors { code field } } } }`,
      {},
      'ITEM:BAD_USER_INPUT',
    ],
    ['a wrong variable type', `query($n: Int) { leads(first: $n) { totalCount } }`, { n: 'ten' }, 'BAD_USER_INPUT'],
    ['an unknown field', `{ leads { nope } }`, {}, 'GRAPHQL_VALIDATION_FAILED'],
    ['a syntax error', `{ leads { `, {}, 'GRAPHQL_PARSE_FAILED'],
    [
      'a future occurredAt (moveLeadStage)',
      `mutation { moveLeadStage(input: { leadId: "1", event: MQL, occurredAt: "2999-01-01T00:00:00Z" }) { id } }`,
      {},
      'BAD_USER_INPUT',
    ],
    [
      'an unknown stage (moveDealStage)',
      `mutation { moveDealStage(input: { dealId: "1", stage: "NOPE", expectedVersion: 1 }) { id } }`,
      {},
      'BAD_USER_INPUT',
    ],
  ])('%s → %s, with no stack trace or SQL', async (_why, query, variables, code) => {
    const r = await api.gql(query, variables, Role.ADMIN);
    expect(r.status).toBeLessThan(500);
    const text = JSON.stringify(r.body);
    if (code.startsWith('ITEM:'))
      expect((r.body.data as any).upsertDeals.results[0].errors[0].code).toBe(code.slice(5));
    else expect(r.body.errors?.[0].extensions?.code).toBe(code);
    expect(text).not.toMatch(/stacktrace|at .*\.ts:\d+|SELECT |INSERT |node_modules/);
  });

  it('malformed JSON and unknown routes get a 4xx with a code, not a 500', async () => {
    const bad = await fetch(api.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer x.y.z' },
      body: '{"query": ',
    });
    expect(bad.status).toBe(400);
    const missing = await fetch(api.server.url.replace('/graphql', '/nope'));
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as any).errors[0].extensions.code).toBe('NOT_FOUND');
  });
});

// Its own database: the test adds a constraint and a trigger to leads, which takes locks every other file's writes
// queue behind (CI once timed out dropping them, and the constraint left behind failed the schema-drift check).
describe('connections and client errors, own database', () => {
  let api: TestApi;
  beforeAll(async () => (api = await startScratchApi('mask_probe')));
  afterAll(() => api.close());

  it('unexpected errors are masked as INTERNAL_SERVER_ERROR with a request id, and logged with it', async () => {
    const p = unique('mask');
    const logged: string[] = [];
    const spy = jest
      .spyOn(process.stderr, 'write')
      .mockImplementation((chunk: string | Uint8Array) => (logged.push(String(chunk)), true));
    await api.ok(UPSERT_LEADS, { input: [{ externalId: p }] });
    await api.ds.query(`ALTER TABLE leads ADD CONSTRAINT mask_probe CHECK (true) NOT VALID`);
    try {
      await api.ds.query(
        `CREATE OR REPLACE FUNCTION mask_probe_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'secret internals %', NEW.id; END $$`,
      );
      await api.ds.query(
        `CREATE TRIGGER mask_probe BEFORE UPDATE ON leads FOR EACH ROW WHEN (NEW.external_id = '${p}') EXECUTE FUNCTION mask_probe_fail()`,
      );
      const r = await api.gql(
        `mutation($i: ID!) { moveLeadStage(input: { leadId: $i, event: MQL }) { id } }`,
        { i: (await api.ds.query(`SELECT id::text FROM leads WHERE external_id = $1`, [p]))[0].id },
        Role.ADMIN,
        { 'x-request-id': 'req-mask-1' },
      );
      expect(r.body.errors?.[0]).toMatchObject({
        message: 'Internal server error',
        extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-mask-1' },
      });
      expect(JSON.stringify(r.body)).not.toContain('secret internals');
      const line = logged.map((l) => JSON.parse(l)).find((l) => l.msg === 'unexpected error');
      expect(line).toMatchObject({
        level: 'error',
        requestId: 'req-mask-1',
        err: { message: expect.stringContaining('secret internals') },
      });
    } finally {
      spy.mockRestore();
      await api.ds.query(`DROP TRIGGER IF EXISTS mask_probe ON leads`);
      await api.ds.query(`DROP FUNCTION IF EXISTS mask_probe_fail()`);
      await api.ds.query(`ALTER TABLE leads DROP CONSTRAINT IF EXISTS mask_probe`);
    }
  });
});
