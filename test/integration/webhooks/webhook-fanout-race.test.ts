import { Role } from '../../../src/common/graphql/enums';
import { BulkOut, MOVE_DEAL, UPSERT_DEALS } from '../../support/ops';
import { startScratchApi, TestApi } from '../../support/test-server';

/**
 * A deal write fans its change event out to the webhook endpoints; an endpoint deleted at that moment must not fail
 * the write (it did: the delivery's foreign key found the endpoint gone, and the write answered NOT_FOUND).
 */
describe('a webhook endpoint deleted while a write fans out to it (real PostgreSQL, own database)', () => {
  let api: TestApi;
  beforeAll(async () => (api = await startScratchApi('webhook_race')));
  afterAll(() => api.close());

  it('the write waits for the delete, then succeeds without a delivery to the deleted endpoint', async () => {
    const [{ id: endpoint }] = await api.ds.query(
      `INSERT INTO webhook_endpoints (url, events, secret) VALUES ('https://hooks.example/race', '{DEAL}', 'race-secret') RETURNING id::text AS id`,
    );
    const deal = (
      await api.ok<Record<string, BulkOut>>(
        UPSERT_DEALS,
        { input: [{ externalId: 'race-1', name: 'd', amount: 1 }] },
        Role.REVOPS,
      )
    ).upsertDeals.results[0].id!;
    const deleter = api.ds.createQueryRunner();
    await deleter.connect();
    try {
      await deleter.startTransaction();
      await deleter.query(`DELETE FROM webhook_endpoints WHERE id = $1`, [endpoint]);
      const write = api.gql(MOVE_DEAL, { input: { dealId: deal, stage: 'PROPOSAL', expectedVersion: 1 } }, Role.REVOPS);
      // the write reaches the fan-out and waits on the endpoint row the delete holds
      let waiting = 0;
      for (const deadline = Date.now() + 5_000; Date.now() < deadline && !waiting;) {
        await new Promise((r) => setTimeout(r, 20));
        await deleter.query('SELECT pg_stat_clear_snapshot()');
        [{ n: waiting }] = await deleter.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
        );
      }
      expect(waiting).toBe(1);
      await deleter.commitTransaction();
      const r = await write;
      expect(r.body).toMatchObject({ data: { moveDealStage: { version: 2, stage: { key: 'PROPOSAL' } } } });
    } finally {
      await deleter.release();
    }
    expect(
      await api.ds.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE endpoint_id = $1`, [endpoint]),
    ).toEqual([{ n: 0 }]);
  });
});
