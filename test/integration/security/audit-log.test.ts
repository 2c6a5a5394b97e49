import { Role } from '../../../src/common/graphql/enums';
import {
  BulkOut,
  MOVE_DEAL,
  RECORD_TOUCHPOINTS,
  UPSERT_ACCOUNTS,
  UPSERT_CAMPAIGNS,
  UPSERT_DEALS,
  UPSERT_LEADS,
  at,
} from '../../support/ops';
import { startTestApi, TestApi } from '../../support/test-server';
import { unique } from '../../support/unique';

describe('audit log', () => {
  let api: TestApi;
  beforeAll(async () => (api = await startTestApi()));
  afterAll(() => api.close());
  const audit = (entity: string, externalId: string) =>
    api.ds.query(
      `SELECT a.actor, a.actor_role, a.request_id, a.idempotency_key, a.action, a.changes FROM audit_log a
     WHERE a.entity = $1 AND a.entity_id = (SELECT id::text FROM ${entity} WHERE external_id = $2) ORDER BY a.id`,
      [entity, externalId],
    );

  it('records actor, role, request id, Idempotency-Key and the changed columns of every write', async () => {
    const p = unique('audit');
    const created = await api.gql(
      UPSERT_ACCOUNTS,
      { input: [{ externalId: p, name: 'Acme', industry: 'Retail' }] },
      Role.MARKETING,
      { 'idempotency-key': `${p}-k1`, 'x-request-id': `${p}-r1` },
    );
    expect(created.body.data?.upsertAccounts.errorCount).toBe(0);
    await api.gql(UPSERT_ACCOUNTS, { input: [{ externalId: p, name: 'Acme GmbH' }] }, Role.SALES, {
      'x-request-id': `${p}-r2`,
    });
    await api.gql(UPSERT_ACCOUNTS, { input: [{ externalId: p, name: 'Acme GmbH' }] }, Role.SALES); // unchanged: nothing to record
    const rows = await audit('accounts', p);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      actor: 'marketing@test.example',
      actor_role: 'MARKETING',
      request_id: `${p}-r1`,
      idempotency_key: `${p}-k1`,
      action: 'INSERT',
    });
    expect(rows[0].changes).toMatchObject({ name: [null, 'Acme'], industry: [null, 'Retail'], external_id: [null, p] });
    expect(rows[1]).toMatchObject({
      actor: 'sales@test.example',
      actor_role: 'SALES',
      request_id: `${p}-r2`,
      idempotency_key: null,
      action: 'UPDATE',
      changes: { name: ['Acme', 'Acme GmbH'] },
    });
  });

  it('touchpoints inserted in bulk (one statement trigger): one INSERT row each, as a row trigger wrote it', async () => {
    const p = unique('audit-tp');
    await api.gql(UPSERT_CAMPAIGNS, { input: [{ externalId: `${p}-c`, name: 'C', channel: 'EVENT' }] });
    await api.gql(UPSERT_LEADS, {
      input: [{ externalId: `${p}-l`, email: `${p}@x.example`, createdAt: at('2025-03-01') }],
    });
    const input = [1, 2, 3].map((i) => ({
      externalId: `${p}-t${i}`,
      leadExternalId: `${p}-l`,
      campaignExternalId: `${p}-c`,
      type: 'WEB_VISIT',
      occurredAt: at(`2025-03-0${1 + i}`),
    }));
    const res = await api.gql(RECORD_TOUCHPOINTS, { input }, Role.MARKETING, {
      'idempotency-key': `${p}-k`,
      'x-request-id': `${p}-r`,
    });
    expect((res.body.data?.recordTouchpoints as BulkOut).successCount).toBe(3);
    const [ids] = await api.ds.query(
      `SELECT (SELECT id::text FROM leads WHERE external_id = $1) AS lead, (SELECT id::text FROM campaigns WHERE external_id = $2) AS campaign`,
      [`${p}-l`, `${p}-c`],
    );
    for (const [i, t] of input.entries()) {
      const rows = await audit('touchpoints', t.externalId);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        actor: 'marketing@test.example',
        actor_role: 'MARKETING',
        request_id: `${p}-r`,
        idempotency_key: `${p}-k`,
        action: 'INSERT',
      });
      const { id, ...changes } = rows[0].changes;
      expect(id[0]).toBeNull();
      expect(changes).toEqual({
        external_id: [null, t.externalId],
        lead_id: [null, Number(ids.lead)],
        campaign_id: [null, Number(ids.campaign)],
        channel: [null, 'EVENT'],
        type: [null, 'WEB_VISIT'],
        occurred_at: [null, expect.stringContaining(`2025-03-0${2 + i}`)],
      });
    }
    // an update of one of them is still audited row by row, with only what changed
    await api.gql(RECORD_TOUCHPOINTS, { input: [{ ...input[0], type: 'MEETING' }] });
    const rows = await audit('touchpoints', input[0].externalId);
    expect(rows.map((r: any) => [r.action, r.changes.type])).toEqual([
      ['INSERT', [null, 'WEB_VISIT']],
      ['UPDATE', ['WEB_VISIT', 'MEETING']],
    ]);
  });

  it('personal data of leads is redacted; derived milestones are not audited; a replayed request writes nothing', async () => {
    const p = unique('audit-lead');
    const send = () =>
      api.gql(
        UPSERT_LEADS,
        { input: [{ externalId: p, email: 'pat@example.com', firstName: 'Pat', createdAt: at('2025-01-02') }] },
        Role.SERVICE,
        { 'idempotency-key': `${p}-key` },
      );
    await send();
    await send();
    await send();
    const rows = await audit('leads', p);
    expect(rows).toHaveLength(1);
    expect(rows[0].changes.email).toEqual(['[redacted]', '[redacted]']);
    expect(JSON.stringify(rows)).not.toContain('pat@example.com');
    expect(Object.keys(rows[0].changes)).not.toContain('lead_at');
  });

  it('a deal moved by REVOPS: the stage change is recorded, not the version bump', async () => {
    const p = unique('audit-deal');
    const d = await api.ok<Record<string, BulkOut>>(
      UPSERT_DEALS,
      { input: [{ externalId: p, name: 'd', amount: 5, createdAt: at('2025-02-01') }] },
      Role.REVOPS,
    );
    const id = d.upsertDeals.results[0].id!;
    await api.ok(MOVE_DEAL, { input: { dealId: id, stage: 'PROPOSAL', expectedVersion: 1 } }, Role.REVOPS);
    const deals = await audit('deals', p);
    expect(deals.map((r: any) => r.action)).toEqual(['INSERT']);
    const changes = await api.ds.query(
      `SELECT actor_role, action, changes FROM audit_log WHERE entity = 'deal_stage_changes' AND changes -> 'deal_id' ->> 1 = $1 ORDER BY id`,
      [id],
    );
    expect(changes.map((r: any) => [r.actor_role, r.action, r.changes.to_stage[1]])).toEqual([
      ['REVOPS', 'INSERT', 'QUALIFICATION'],
      ['REVOPS', 'INSERT', 'PROPOSAL'],
    ]);
  });

  it("the service's own database role cannot update, delete or truncate audit rows", async () => {
    for (const sql of [
      `UPDATE audit_log SET actor = 'me' WHERE id = (SELECT max(id) FROM audit_log)`,
      `DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)`,
      'TRUNCATE audit_log',
    ]) {
      await expect(api.ds.query(sql)).rejects.toMatchObject({ driverError: { code: '42501' } });
    }
  });
});
