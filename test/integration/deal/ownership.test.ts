import { signToken } from '../../../src/common/auth/jwt';
import { Role } from '../../../src/common/graphql/enums';
import {
  BulkOut,
  DEAL_BY_EXT,
  MOVE_DEAL,
  RECORD_DEAL_CHANGES,
  UPSERT_DEALS,
  UPSERT_USERS,
  at,
} from '../../support/ops';
import { startTestApi, TestApi } from '../../support/test-server';
import { testConfig } from '../../support/tokens';
import { unique } from '../../support/unique';

/** SALES changes only its own deals; REVOPS/ADMIN any; reads stay open; forbidden looks exactly like unknown. */
describe('deal ownership for SALES', () => {
  let api: TestApi;
  const p = unique('own');
  const ana = `${p}-ana@x.example`;
  const bo = `${p}-bo@x.example`;
  const as = (email: string) => ({
    authorization: `Bearer ${signToken({ sub: email, role: Role.SALES }, testConfig.jwt)}`,
  });
  const gql = async (who: string, query: string, variables: Record<string, unknown>) =>
    api.gql(query, variables, null, as(who));
  const bulk = async (who: string, doc: string, input: unknown[]) =>
    Object.values((await gql(who, doc, { input })).body.data as Record<string, BulkOut>)[0];
  let dealId: string;

  beforeAll(async () => {
    api = await startTestApi();
    await api.ok(UPSERT_USERS, {
      input: [
        { email: ana, role: 'SALES' },
        { email: bo, role: 'SALES' },
      ],
    });
    const r = await bulk(ana, UPSERT_DEALS, [
      { externalId: `${p}-D`, name: 'Ana deal', amount: 100, createdAt: at('2025-02-01') },
    ]);
    expect(r.results[0]).toMatchObject({ success: true, created: true });
    dealId = r.results[0].id!;
  });
  afterAll(() => api.close());

  it('the creator owns the deal; another SALES user reads it but cannot change it, and gets what an unknown deal gets', async () => {
    expect((await api.ok(DEAL_BY_EXT, { e: `${p}-D` })).dealByExternalId).toMatchObject({ name: 'Ana deal' });
    const read = await gql(bo, `query($e: String!) { dealByExternalId(externalId: $e) { name owner { email } } }`, {
      e: `${p}-D`,
    });
    expect(read.body.data).toEqual({ dealByExternalId: { name: 'Ana deal', owner: { email: ana } } });

    const upsert = await bulk(bo, UPSERT_DEALS, [{ externalId: `${p}-D`, name: 'taken', amount: 1 }]);
    expect(upsert.results[0].errors.map((e) => [e.code, e.field])).toEqual([['NOT_FOUND', 'externalId']]);
    const change = await bulk(bo, RECORD_DEAL_CHANGES, [
      { dealExternalId: `${p}-D`, stage: 'WON', occurredAt: at('2025-03-01') },
    ]);
    const unknown = await bulk(bo, RECORD_DEAL_CHANGES, [
      { dealExternalId: `${p}-nope`, stage: 'WON', occurredAt: at('2025-03-01') },
    ]);
    expect(change.results[0].errors.map((e) => [e.code, e.field])).toEqual([['NOT_FOUND', 'dealExternalId']]);
    expect(unknown.results[0].errors.map((e) => [e.code, e.field])).toEqual([['NOT_FOUND', 'dealExternalId']]);

    const move = await gql(bo, MOVE_DEAL, { input: { dealId, stage: 'PROPOSAL', expectedVersion: 1 } });
    const moveUnknown = await gql(bo, MOVE_DEAL, {
      input: { dealId: '999999999', stage: 'PROPOSAL', expectedVersion: 1 },
    });
    expect(move.body.errors?.[0].extensions).toEqual({ ...moveUnknown.body.errors?.[0].extensions });
    expect(move.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await api.ok(DEAL_BY_EXT, { e: `${p}-D` })).dealByExternalId).toMatchObject({
      name: 'Ana deal',
      version: 1,
    });
  });

  it('the owner changes it; giving it away needs REVOPS; REVOPS and ADMIN change anyone’s deal', async () => {
    expect(
      (await gql(ana, MOVE_DEAL, { input: { dealId, stage: 'PROPOSAL', expectedVersion: 1 } })).body.data,
    ).toMatchObject({ moveDealStage: { version: 2 } });
    const giveAway = await bulk(ana, UPSERT_DEALS, [
      { externalId: `${p}-D`, name: 'Ana deal', amount: 100, ownerEmail: bo },
    ]);
    expect(giveAway.results[0].errors.map((e) => [e.code, e.field])).toEqual([['FORBIDDEN', 'ownerEmail']]);
    const createForOther = await bulk(ana, UPSERT_DEALS, [
      { externalId: `${p}-D2`, name: 'x', amount: 1, ownerEmail: bo },
    ]);
    expect(createForOther.results[0].errors.map((e) => e.code)).toEqual(['FORBIDDEN']);
    const reassigned = await api.ok<Record<string, BulkOut>>(
      UPSERT_DEALS,
      { input: [{ externalId: `${p}-D`, name: 'Ana deal', amount: 100, ownerEmail: bo }] },
      Role.REVOPS,
    );
    expect(reassigned.upsertDeals.errorCount).toBe(0);
    expect(
      (await gql(bo, MOVE_DEAL, { input: { dealId, stage: 'NEGOTIATION', expectedVersion: 3 } })).body.data,
    ).toMatchObject({ moveDealStage: { stage: { key: 'NEGOTIATION' } } });
    expect(
      (await gql(ana, MOVE_DEAL, { input: { dealId, stage: 'WON', expectedVersion: 4 } })).body.errors?.[0].extensions
        ?.code,
    ).toBe('NOT_FOUND');
    expect(
      (await api.gql(MOVE_DEAL, { input: { dealId, stage: 'WON', expectedVersion: 4 } }, Role.ADMIN)).body.data,
    ).toMatchObject({ moveDealStage: { status: 'WON' } });
  });

  it('a SALES token whose subject is no user owns nothing and cannot create deals', async () => {
    const r = await bulk(`${p}-ghost@x.example`, UPSERT_DEALS, [{ externalId: `${p}-G`, name: 'x', amount: 1 }]);
    expect(r.results[0].errors.map((e) => e.code)).toEqual(['FORBIDDEN']);
  });
});
