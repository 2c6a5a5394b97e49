import { Role } from '../../../src/common/graphql/enums';
import { BulkOut, UPSERT_ACCOUNTS, UPSERT_LEADS } from '../../support/ops';
import { startTestApi, TestApi } from '../../support/test-server';
import { unique } from '../../support/unique';

/**
 * upsertLeads writes a batch set-based (writeLeads: one statement per shape of row) and falls back to one lead at a
 * time when a row cannot be taken as given. The same sequence of syncs, sent once as batches and once one lead per
 * call (the row-by-row path), must leave the same rows, versions, LEAD entries and outcomes.
 */
describe('upsertLeads: the set-based batch equals the row-by-row path', () => {
  let api: TestApi;
  beforeAll(async () => (api = await startTestApi()));
  afterAll(() => api.close());

  const upsert = async (input: unknown[]) =>
    (await api.ok<Record<string, BulkOut>>(UPSERT_LEADS, { input }, Role.SERVICE)).upsertLeads;

  /** Three syncs: creates (with and without createdAt), partial updates, clears, a moved createdAt, a re-run. */
  const syncs = (p: string) => [
    [
      { externalId: `${p}-1`, email: `${p}-1@x.example`, createdAt: '2026-01-05T10:00:00.000Z', source: 'EMAIL' },
      { externalId: `${p}-2`, email: `${p}-2@x.example`, title: 'CTO', accountExternalId: `${p}-acc` },
      { externalId: `${p}-3`, firstName: 'Ada', score: 40, createdAt: '2026-01-07T10:00:00.000Z' },
    ],
    [
      { externalId: `${p}-1`, title: 'VP', score: 10 },
      { externalId: `${p}-2`, title: null, createdAt: '2026-01-02T09:00:00.000Z' },
      { externalId: `${p}-3`, firstName: 'Ada', score: 40 },
      { externalId: `${p}-4`, email: `${p}-4@x.example`, createdAt: '2026-01-09T10:00:00.000Z' },
    ],
    [
      { externalId: `${p}-1`, title: 'VP', score: 10 },
      { externalId: `${p}-4`, source: 'EVENT', score: null },
    ],
  ];

  const state = (p: string) =>
    api.ds.query(
      `SELECT regexp_replace(l.external_id, '^.*-', '') AS k, l.email IS NOT NULL AS has_email, l.first_name, l.title,
         l.source, l.score, l.account_id IS NOT NULL AS has_account, l.version, l.stage,
         CASE WHEN l.created_at < '2026-02-01' THEN l.created_at::text ELSE 'now' END AS created_at,
         (SELECT array_agg(c.event || '@' || CASE WHEN c.occurred_at < '2026-02-01' THEN c.occurred_at::text ELSE 'now' END ORDER BY c.id)
            FROM lead_stage_changes c WHERE c.lead_id = l.id) AS log
       FROM leads l WHERE l.external_id LIKE $1 || '-%' ORDER BY 1`,
      [p],
    );

  it('same rows, versions, LEAD entries and outcomes', async () => {
    const [a, b] = [unique('setb'), unique('rowb')];
    for (const p of [a, b])
      await api.ok(UPSERT_ACCOUNTS, { input: [{ externalId: `${p}-acc`, name: 'Acme' }] }, Role.SERVICE);
    const outcomes: Record<string, string[][]> = { [a]: [], [b]: [] };
    for (const [i, batch] of syncs(a).entries()) {
      const res = await upsert(batch);
      expect(res.errorCount).toBe(0);
      outcomes[a].push(res.results.map((r) => r.outcome));
      const one: string[] = [];
      for (const item of syncs(b)[i]) {
        const r = await upsert([item]);
        expect(r.errorCount).toBe(0);
        one.push(r.results[0].outcome);
      }
      outcomes[b].push(one);
    }
    expect(outcomes[a]).toEqual(outcomes[b]);
    expect(outcomes[a]).toEqual([
      ['CREATED', 'CREATED', 'CREATED'],
      ['UPDATED', 'UPDATED', 'UNCHANGED', 'CREATED'],
      ['UNCHANGED', 'UPDATED'],
    ]);
    const [sa, sb] = [await state(a), await state(b)];
    expect(sa).toEqual(sb);
    expect(sa.find((r: { k: string }) => r.k === '2')).toMatchObject({ title: null, version: 2 });
  });

  it('a batch with an invalid row: the valid rows are written set-based, only that row fails, with its field', async () => {
    const p = unique('fallb');
    const res = await upsert([
      { externalId: `${p}-1`, email: `${p}-1@x.example` },
      { externalId: `${p}-2`, accountExternalId: `${p}-missing` },
      { externalId: `${p}-3`, email: `${p}-3@x.example` },
    ]);
    expect(res.results.map((r) => [r.outcome, r.errors[0]?.field ?? null])).toEqual([
      ['CREATED', null],
      ['FAILED', 'accountExternalId'],
      ['CREATED', null],
    ]);
    const [n] = await api.ds.query(`SELECT count(*)::int AS n FROM leads WHERE external_id LIKE $1 || '-%'`, [p]);
    expect(n.n).toBe(2);
  });
});
