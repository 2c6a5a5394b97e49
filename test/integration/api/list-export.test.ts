import { Role } from '../../../src/common/graphql/enums';
import { bulkLoad } from '../../support/bulk-load';
import { UPSERT_ACCOUNTS, UPSERT_DEALS, UPSERT_LEADS, UPSERT_USERS } from '../../support/ops';
import { startTestApi, TestApi } from '../../support/test-server';
import { tokenFor } from '../../support/tokens';
import { unique } from '../../support/unique';

/**
 * Deal and lead lists as flat exports, paged by cursor as a script or a BI tool follows them (the Link header),
 * filtered with the list's own filters, and with personal data only for the roles that see it.
 */
describe('GET /export/deals|leads.csv|json', () => {
  let api: TestApi;
  let base: string;
  const p = unique('listx');
  beforeAll(async () => {
    api = await startTestApi();
    base = api.server.url.replace('/graphql', '');
    await api.ok(UPSERT_USERS, { input: [{ email: `${p}-owner@x.example`, role: 'SALES' }] });
    await bulkLoad(api, [
      [UPSERT_ACCOUNTS, [{ externalId: `${p}-A`, name: `${p} account` }]],
      [
        UPSERT_LEADS,
        Array.from({ length: 3 }, (_, i) => ({
          externalId: `${p}-L${i}`,
          email: `person${i}@${p}.example`,
          firstName: 'Ada',
          lastName: 'Lovelace',
          title: 'CTO',
          accountExternalId: `${p}-A`,
          ownerEmail: `${p}-owner@x.example`,
        })),
      ],
      [
        UPSERT_DEALS,
        Array.from({ length: 250 }, (_, i) => ({
          externalId: `${p}-D${String(i).padStart(3, '0')}`,
          name: `${p} deal ${i}`,
          amount: 100 + i,
          accountExternalId: `${p}-A`,
          ownerEmail: `${p}-owner@x.example`,
        })),
      ],
    ]);
  });
  afterAll(() => api.close());

  const get = (path: string, role: Role = Role.ANALYST) =>
    fetch(`${base}${path}`, { headers: { authorization: `Bearer ${tokenFor(role)}` } });

  it('pages of `limit` rows followed by the Link header until the last, every deal once, joined fields filled', async () => {
    const seen: string[] = [];
    let path: string | null = `/export/deals.json?search=${p}&limit=120`;
    const sizes: number[] = [];
    while (path) {
      const r = await get(path);
      expect(r.status).toBe(200);
      const body = (await r.json()) as {
        columns: string[];
        rows: Record<string, unknown>[];
        nextCursor: string | null;
      };
      sizes.push(body.rows.length);
      seen.push(...body.rows.map((x) => String(x.externalId)));
      const link = r.headers.get('link');
      expect(link === null).toBe(body.nextCursor === null);
      expect(r.headers.get('x-next-cursor')).toBe(body.nextCursor);
      if (sizes.length === 1)
        expect(body.rows[0]).toMatchObject({ accountName: `${p} account`, ownerEmail: `${p}-owner@x.example` });
      path = link ? /^<([^>]+)>; rel="next"$/.exec(link)![1] : null;
    }
    expect(sizes).toEqual([120, 120, 10]);
    expect(new Set(seen).size).toBe(250);
    const total = (
      await api.ok(`query($s: String!) { deals(filter: { search: $s }) { totalCount } }`, { s: p }, Role.ANALYST)
    ).deals.totalCount;
    expect(seen.length).toBe(total);
  });

  it('leads.csv: personal fields for SALES, empty for ANALYST', async () => {
    const csv = async (role: Role) => (await (await get(`/export/leads.csv?search=${p}`, role)).text()).split('\r\n');
    const sales = await csv(Role.SALES);
    const analyst = await csv(Role.ANALYST);
    expect(sales[0].split(',').slice(0, 5)).toEqual(['id', 'externalId', 'email', 'firstName', 'lastName']);
    expect(sales.filter((l) => l.includes(`@${p}.example`))).toHaveLength(3);
    expect(analyst.join('\n')).not.toContain(`@${p}.example`);
    expect(analyst.join('\n')).not.toContain('Lovelace');
    expect(analyst.filter((l) => l.includes(`${p}-L`))).toHaveLength(3);
  });

  it('bad parameters are BAD_USER_INPUT with the field: limit out of range, an unknown filter', async () => {
    for (const [q, field] of [
      [`limit=0`, 'limit'],
      [`limit=10001`, 'limit'],
      [`limit=ten`, 'limit'],
      [`colour=red`, 'colour'],
    ]) {
      const r = await get(`/export/deals.csv?${q}`);
      expect([q, r.status, ((await r.json()) as any).errors[0].extensions]).toEqual([
        q,
        400,
        expect.objectContaining({ code: 'BAD_USER_INPUT', field }),
      ]);
    }
  });
});
