import { Role } from '../../../src/common/graphql/enums';
import {
  at,
  BulkOut,
  DEAL_BY_EXT,
  LEAD_BY_EXT,
  MOVE_DEAL,
  RECORD_DEAL_CHANGES,
  UPSERT_ACCOUNTS,
  UPSERT_DEALS,
  UPSERT_LEADS,
  UPSERT_USERS,
} from '../../support/ops';
import { startTestApi, TestApi } from '../../support/test-server';
import { unique } from '../../support/unique';

const CONVERT = `mutation($input: ConvertLeadInput!) { convertLead(input: $input) { id externalId version leads { externalId } } }`;

describe('deals', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
    // the SALES token's subject is a user, so the deals it creates are its own (SALES changes only its own deals)
    await api.ok(UPSERT_USERS, { input: [{ email: 'sales@test.example', role: 'SALES' }] });
  });
  afterAll(() => api.close());
  const bulk = async (doc: string, field: string, input: unknown[], allOrNone = false) =>
    (await api.ok<Record<string, BulkOut>>(doc, { input, allOrNone }, Role.SALES))[field];
  const deal = async (ext: string) => (await api.ok(DEAL_BY_EXT, { e: ext })).dealByExternalId;

  describe('Mutation.upsertDeals', () => {
    it('creates in the first OPEN stage at createdAt, links leads, and versions every real change', async () => {
      const p = unique('deal');
      await api.ok(UPSERT_LEADS, { input: [{ externalId: `${p}-L`, createdAt: at('2025-01-01') }] }, Role.SERVICE);
      await api.ok(UPSERT_ACCOUNTS, { input: [{ externalId: `${p}-A`, name: 'Acme' }] }, Role.SERVICE);
      const input = [
        {
          externalId: p,
          name: 'Big',
          amount: 5000,
          leadExternalIds: [`${p}-L`],
          accountExternalId: `${p}-A`,
          createdAt: at('2025-02-01'),
        },
      ];
      const created = await bulk(UPSERT_DEALS, 'upsertDeals', input);
      expect(created.results[0]).toMatchObject({ created: true, success: true });
      expect(await deal(p)).toMatchObject({
        version: 1,
        status: 'OPEN',
        stage: { key: 'QUALIFICATION' },
        createdAt: at('2025-02-01'),
        leads: [{ externalId: `${p}-L` }],
      });
      expect((await api.ok(LEAD_BY_EXT, { e: `${p}-L` })).leadByExternalId).toMatchObject({
        stage: 'OPPORTUNITY',
        opportunityAt: at('2025-02-01'),
      });

      const resent = await bulk(UPSERT_DEALS, 'upsertDeals', input);
      expect(resent.results[0]).toMatchObject({ created: false, success: true, id: created.results[0].id });
      expect((await deal(p)).version).toBe(1);

      await bulk(UPSERT_DEALS, 'upsertDeals', [{ ...input[0], amount: 6500.5 }]);
      expect(await deal(p)).toMatchObject({ version: 2, amount: 6500.5 });
      await bulk(UPSERT_DEALS, 'upsertDeals', [{ ...input[0], amount: 6500.5, stage: 'PROPOSAL' }]);
      const moved = await deal(p);
      expect(moved).toMatchObject({ version: 3, stage: { key: 'PROPOSAL' } });
      expect(moved.stageHistory.map((h: any) => h.toStage)).toEqual(['QUALIFICATION', 'PROPOSAL']);
      await bulk(UPSERT_DEALS, 'upsertDeals', [{ ...input[0], amount: 6500.5, leadExternalIds: null }]);
      expect(await deal(p)).toMatchObject({ version: 4, leads: [] });
      expect((await api.ok(LEAD_BY_EXT, { e: `${p}-L` })).leadByExternalId).toMatchObject({
        stage: 'LEAD',
        opportunityAt: null,
      });
    });

    it('per-item errors: unknown references, bad amounts and stages, future dates; allOrNone writes nothing', async () => {
      const p = unique('deal');
      const input = [
        { externalId: `${p}-ok`, name: 'ok', amount: 1 },
        { externalId: `${p}-1`, name: 'x', amount: -1 },
        { externalId: `${p}-2`, name: 'x', amount: 1, leadExternalIds: ['nope'] },
        { externalId: `${p}-3`, name: 'x', amount: 1, accountExternalId: 'nope' },
        { externalId: `${p}-4`, name: 'x', amount: 1, ownerEmail: 'nobody@nowhere.example' },
        { externalId: `${p}-5`, name: 'x', amount: 1, stage: 'NOT_A_STAGE' },
        { externalId: `${p}-6`, name: 'x', amount: 1, createdAt: new Date(Date.now() + 3_600_000).toISOString() },
        { externalId: `${p}-7`, name: 'x', amount: 1e300 },
      ];
      const r = await bulk(UPSERT_DEALS, 'upsertDeals', input);
      expect(r.results.map((x) => [x.success, x.errors[0]?.code ?? null, x.errors[0]?.field ?? null])).toEqual([
        [true, null, null],
        [false, 'BAD_USER_INPUT', 'amount'],
        [false, 'NOT_FOUND', 'leadExternalIds'],
        [false, 'NOT_FOUND', 'accountExternalId'],
        [false, 'NOT_FOUND', 'ownerEmail'],
        [false, 'BAD_USER_INPUT', 'stage'],
        [false, 'BAD_USER_INPUT', 'createdAt'],
        [false, 'BAD_USER_INPUT', 'amount'],
      ]);
      const all = await bulk(
        UPSERT_DEALS,
        'upsertDeals',
        input.map((d) => ({ ...d, externalId: `${d.externalId}-aon` })),
        true,
      );
      expect(all.results[0]).toMatchObject({ success: false, id: null, errors: [{ code: 'ROLLED_BACK' }] });
      expect(
        Number((await api.ds.query(`SELECT count(*) AS n FROM deals WHERE external_id LIKE $1`, [`${p}-%-aon`]))[0].n),
      ).toBe(0);
    });
  });

  describe('Mutation.recordDealStageChanges', () => {
    it('records backdated history, sets the amount only from the latest change, and is idempotent', async () => {
      const p = unique('deal');
      await bulk(UPSERT_DEALS, 'upsertDeals', [
        { externalId: p, name: 'D', amount: 1000, createdAt: at('2025-03-01') },
      ]);
      const changes = [
        { dealExternalId: p, stage: 'WON', occurredAt: at('2025-04-01'), amount: 1500 },
        { dealExternalId: p, stage: 'DISCOVERY', occurredAt: at('2025-03-10'), amount: 1200 },
      ];
      const r = await bulk(RECORD_DEAL_CHANGES, 'recordDealStageChanges', changes);
      expect(r.results.map((x) => x.created)).toEqual([true, true]);
      expect(await deal(p)).toMatchObject({ status: 'WON', amount: 1500, closedAt: at('2025-04-01'), version: 3 });
      const again = await bulk(RECORD_DEAL_CHANGES, 'recordDealStageChanges', changes);
      expect(again.results.map((x) => [x.created, x.success])).toEqual([
        [false, true],
        [false, true],
      ]);
      const d = await deal(p);
      expect(d.version).toBe(3);
      expect(d.stageHistory.map((h: any) => [h.fromStage, h.toStage, h.amount])).toEqual([
        [null, 'QUALIFICATION', 1000],
        ['QUALIFICATION', 'DISCOVERY', 1200],
        ['DISCOVERY', 'WON', 1500],
      ]);
      const bad = await bulk(RECORD_DEAL_CHANGES, 'recordDealStageChanges', [
        { dealExternalId: p, stage: 'LOST', occurredAt: at('2025-02-01') },
        { dealExternalId: 'nope', stage: 'LOST', occurredAt: at('2025-04-02') },
        { dealExternalId: p, stage: 'NOPE', occurredAt: at('2025-04-02') },
      ]);
      expect(bad.results.map((x) => [x.errors[0]?.code, x.errors[0]?.field])).toEqual([
        ['BAD_USER_INPUT', 'occurredAt'],
        ['NOT_FOUND', 'dealExternalId'],
        ['BAD_USER_INPUT', 'stage'],
      ]);
    });
  });

  describe('Mutation.moveDealStage', () => {
    it('20 concurrent moves from one version: exactly one wins, the rest get CONFLICT, history has no gaps', async () => {
      const p = unique('race');
      const [{ id }] = (
        await bulk(UPSERT_DEALS, 'upsertDeals', [{ externalId: p, name: 'R', amount: 1, createdAt: at('2025-01-01') }])
      ).results;
      const stages = ['DISCOVERY', 'PROPOSAL', 'NEGOTIATION', 'QUALIFICATION'];
      for (let round = 0; round < 3; round++) {
        const { version } = await deal(p);
        const moves = await Promise.all(
          Array.from({ length: 20 }, () =>
            api.gql(
              MOVE_DEAL,
              { input: { dealId: id, stage: stages[(round + 1) % 4], expectedVersion: version } },
              Role.SALES,
            ),
          ),
        );
        const won = moves.filter((m) => !m.body.errors);
        expect(won).toHaveLength(1);
        expect(moves.filter((m) => m.body.errors?.[0].extensions?.code === 'CONFLICT')).toHaveLength(19);
        expect(won[0].body.data!.moveDealStage.version).toBe(version + 1);
      }
      const d = await deal(p);
      expect(d.version).toBe(4);
      expect(d.stageHistory).toHaveLength(4);
      for (let i = 1; i < d.stageHistory.length; i++)
        expect(d.stageHistory[i].fromStage).toBe(d.stageHistory[i - 1].toStage);
    });

    it('a stale version changes nothing; unknown and malformed ids are NOT_FOUND', async () => {
      const p = unique('stale');
      const [{ id }] = (await bulk(UPSERT_DEALS, 'upsertDeals', [{ externalId: p, name: 'S', amount: 1 }])).results;
      const stale = await api.gql(
        MOVE_DEAL,
        { input: { dealId: id, stage: 'PROPOSAL', expectedVersion: 7 } },
        Role.SALES,
      );
      expect(stale.body.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 1 });
      expect(await deal(p)).toMatchObject({ version: 1, stage: { key: 'QUALIFICATION' } });
      for (const dealId of ['999999999', 'abc']) {
        const r = await api.gql(MOVE_DEAL, { input: { dealId, stage: 'PROPOSAL', expectedVersion: 1 } }, Role.SALES);
        expect(r.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      }
      const won = await api.ok(MOVE_DEAL, { input: { dealId: id, stage: 'WON', expectedVersion: 1 } }, Role.SALES);
      expect(won.moveDealStage).toMatchObject({ version: 2, status: 'WON' });
    });
  });

  describe('Mutation.convertLead', () => {
    it('creates a deal from a lead (lead reaches OPPORTUNITY), and a re-send returns the same deal', async () => {
      const p = unique('conv');
      const lead = await api.ok(
        UPSERT_LEADS,
        { input: [{ externalId: `${p}-L`, createdAt: at('2025-01-01') }] },
        Role.SERVICE,
      );
      const leadId = lead.upsertLeads.results[0].id;
      const input = {
        leadId,
        deal: { externalId: `${p}-D`, name: 'From lead', amount: 900, createdAt: at('2025-02-02') },
      };
      const first = (await api.ok(CONVERT, { input }, Role.SALES)).convertLead;
      expect(first).toMatchObject({ externalId: `${p}-D`, version: 1, leads: [{ externalId: `${p}-L` }] });
      expect((await api.ok(CONVERT, { input }, Role.SALES)).convertLead.id).toBe(first.id);
      expect((await api.ok(LEAD_BY_EXT, { e: `${p}-L` })).leadByExternalId).toMatchObject({
        stage: 'OPPORTUNITY',
        opportunityAt: at('2025-02-02'),
      });
      const other = await api.gql(CONVERT, { input: { ...input, leadId: '999999999' } }, Role.SALES);
      expect(other.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    });
  });
});
