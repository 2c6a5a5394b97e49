import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { Role } from '../../../src/common/graphql/enums';
import { setLogLevel } from '../../../src/common/log/logger';
import { BulkOut, UPSERT_DEALS, UPSERT_LEADS, at } from '../../support/ops';
import { startTestApi, TestApi } from '../../support/test-server';
import { tokenFor } from '../../support/tokens';
import { unique } from '../../support/unique';

/** Events of one subscription, collected as they come. */
function collect(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const events: any[] = [];
  const errors: unknown[] = [];
  let waiters: (() => void)[] = [];
  const stop = client.subscribe(
    { query, variables },
    {
      next: (v) => {
        events.push(v);
        waiters.forEach((w) => w());
        waiters = [];
      },
      error: (e) => {
        errors.push(e);
        waiters.forEach((w) => w());
        waiters = [];
      },
      complete: () => undefined,
    },
  );
  const until = async (pred: () => boolean, ms = 5000) => {
    const deadline = Date.now() + ms;
    while (!pred() && Date.now() < deadline)
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 50);
      });
    return pred();
  };
  return { events, errors, stop, until };
}

/**
 * Waits until the subscription sees an event `seen` recognises, making one with `poke` (a committed write) each round:
 * a subscription is registered once it hears a sentinel, and an event that was never sent is known absent once a
 * later sentinel arrived (NOTIFY delivers in commit order). No fixed sleeps.
 */
async function sentinel(
  sub: ReturnType<typeof collect>,
  poke: () => Promise<unknown>,
  seen: () => boolean,
): Promise<void> {
  for (let round = 0; round < 50; round++) {
    await poke();
    if (await sub.until(seen, 200)) return;
  }
  throw new Error('the sentinel event never arrived');
}

describe('subscriptions over graphql-ws (real PostgreSQL LISTEN/NOTIFY)', () => {
  let api: TestApi;
  let wsUrl: string;
  const clients: Client[] = [];
  const connect = (params: Record<string, unknown> | undefined) => {
    const c = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: params,
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => undefined,
    });
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    api = await startTestApi();
    wsUrl = api.server.url.replace('http://localhost', 'ws://127.0.0.1');
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await api.close();
  });

  it('a committed deal upsert reaches dealChanged with the deal as committed (children included); a rolled-back one never does', async () => {
    const p = unique('sub');
    const sub = collect(
      connect({ authorization: `Bearer ${tokenFor(Role.ANALYST)}` }),
      `subscription { dealChanged { op deal { externalId name amount version leads { externalId } } } }`,
    );
    let pokes = 0;
    const poke = () =>
      api.ok(
        UPSERT_DEALS,
        { input: [{ externalId: `${p}-S`, name: 'Sentinel', amount: ++pokes, createdAt: at('1975-03-01') }] },
        Role.SERVICE,
      );
    const sentinelAt = (n: number) => () =>
      sub.events.some((e) => e.data?.dealChanged.deal?.externalId === `${p}-S` && e.data.dealChanged.deal.amount >= n);
    await sentinel(sub, poke, sentinelAt(1)); // the subscription is registered
    await api.ok(UPSERT_LEADS, { input: [{ externalId: `${p}-L`, createdAt: at('1975-03-01') }] }, Role.SERVICE);
    await api.ok(
      UPSERT_DEALS,
      {
        input: [
          {
            externalId: `${p}-D`,
            name: 'First',
            amount: 100,
            leadExternalIds: [`${p}-L`],
            createdAt: at('1975-03-02'),
          },
        ],
      },
      Role.SERVICE,
    );
    const mine = () => sub.events.filter((e) => e.data?.dealChanged.deal?.externalId === `${p}-D`);
    expect(await sub.until(() => mine().length >= 1)).toBe(true);
    expect(mine()[0].data.dealChanged).toMatchObject({
      op: 'CREATED',
      deal: { name: 'First', amount: 100, leads: [{ externalId: `${p}-L` }] },
    });

    await api.ok(UPSERT_DEALS, { input: [{ externalId: `${p}-D`, name: 'First', amount: 250 }] }, Role.SERVICE);
    expect(await sub.until(() => mine().some((e) => e.data.dealChanged.deal.amount === 250))).toBe(true);
    expect(mine().find((e) => e.data.dealChanged.deal.amount === 250).data.dealChanged.op).toBe('UPDATED');

    // all or none: the second item fails, the first is rolled back, and nothing is announced
    const r = await api.ok<Record<string, BulkOut>>(
      UPSERT_DEALS,
      {
        input: [
          { externalId: `${p}-R`, name: 'Rolled back', amount: 1, createdAt: at('1975-03-03') },
          { externalId: `${p}-R2`, name: 'Bad', amount: -1, createdAt: at('1975-03-03') },
        ],
        allOrNone: true,
      },
      Role.SERVICE,
    );
    expect(r.upsertDeals.errorCount).toBe(2);
    const before = pokes;
    await sentinel(sub, poke, sentinelAt(before + 1)); // a later commit's event arrived: the rolled-back one would be before it
    expect(sub.events.filter((e) => String(e.data?.dealChanged.deal?.externalId ?? '').startsWith(`${p}-R`))).toEqual(
      [],
    );
    expect(sub.errors).toEqual([]);
    sub.stop();
  });

  it('a write on one API instance reaches the subscribers of another (each instance LISTENs on the database)', async () => {
    const other = await startTestApi();
    try {
      const p = unique('sub2');
      const c = createClient({
        url: other.server.url.replace('http://localhost', 'ws://127.0.0.1'),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${tokenFor(Role.ANALYST)}` },
        retryAttempts: 0,
        lazy: false,
        onNonLazyError: () => undefined,
      });
      clients.push(c);
      const sub = collect(c, `subscription { dealChanged { op deal { externalId amount } } }`);
      let pokes = 0;
      // written through the first instance, heard on the second
      await sentinel(
        sub,
        () =>
          api.ok(
            UPSERT_DEALS,
            { input: [{ externalId: `${p}-S`, name: 'Sentinel', amount: ++pokes, createdAt: at('1975-04-01') }] },
            Role.SERVICE,
          ),
        () => sub.events.some((e) => e.data?.dealChanged.deal?.externalId === `${p}-S`),
      );
      // registered on the second instance: a new deal written through the first arrives there as created
      await api.ok(
        UPSERT_DEALS,
        { input: [{ externalId: `${p}-D`, name: 'Across', amount: 7, createdAt: at('1975-04-02') }] },
        Role.SERVICE,
      );
      const mine = () => sub.events.filter((e) => e.data?.dealChanged.deal?.externalId === `${p}-D`);
      expect(await sub.until(() => mine().length >= 1)).toBe(true);
      expect(mine()[0].data.dealChanged).toMatchObject({ op: 'CREATED', deal: { amount: 7 } });
      expect(sub.errors).toEqual([]);
      sub.stop();
    } finally {
      await other.close();
    }
  });

  it('leadChanged(ids:) sends only the leads asked for', async () => {
    const p = unique('sub');
    const [a, b] = (
      await api.ok<Record<string, BulkOut>>(
        UPSERT_LEADS,
        {
          input: [
            { externalId: `${p}-A`, createdAt: at('1975-04-01') },
            { externalId: `${p}-B`, createdAt: at('1975-04-01') },
          ],
        },
        Role.SERVICE,
      )
    ).upsertLeads.results.map((x) => x.id!);
    const s = (
      await api.ok<Record<string, BulkOut>>(
        UPSERT_LEADS,
        { input: [{ externalId: `${p}-S`, createdAt: at('1975-04-01') }] },
        Role.SERVICE,
      )
    ).upsertLeads.results[0].id!;
    const sub = collect(
      connect({ authorization: `Bearer ${tokenFor(Role.MARKETING)}` }),
      `subscription($ids: [ID!]) { leadChanged(ids: $ids) { op lead { id externalId score } } }`,
      { ids: [b, s] },
    );
    let pokes = 0;
    const poke = () => api.ok(UPSERT_LEADS, { input: [{ externalId: `${p}-S`, score: ++pokes }] }, Role.SERVICE);
    const sentinelAt = (n: number) => () =>
      sub.events.some((e) => e.data.leadChanged.lead.id === s && e.data.leadChanged.lead.score >= n);
    await sentinel(sub, poke, sentinelAt(1)); // registered
    await api.ok(
      UPSERT_LEADS,
      {
        input: [
          { externalId: `${p}-A`, score: 1 },
          { externalId: `${p}-B`, score: 2 },
        ],
      },
      Role.SERVICE,
    );
    await sentinel(sub, poke, sentinelAt(pokes + 1)); // everything before this sentinel has arrived
    const others = sub.events.filter((e) => e.data.leadChanged.lead.id !== s);
    expect(others.map((e) => e.data.leadChanged.lead.id)).toEqual([b]);
    expect(others[0].data.leadChanged).toMatchObject({ op: 'UPDATED', lead: { externalId: `${p}-B`, score: 2 } });
    expect(a).not.toBe(b);
    sub.stop();
  });

  it('refuses a connection without a valid token, and queries over the socket', async () => {
    const anonymous = collect(connect({}), `subscription { dealChanged { op } }`);
    expect(await anonymous.until(() => anonymous.errors.length > 0)).toBe(true);
    expect((anonymous.errors[0] as { code?: number }).code).toBe(4403);
    const lines: Record<string, unknown>[] = [];
    setLogLevel('warn', { write: (l: string) => void lines.push(JSON.parse(l)) });
    try {
      const forged = collect(connect({ authorization: 'Bearer a.b.c' }), `subscription { dealChanged { op } }`);
      expect(await forged.until(() => forged.errors.length > 0)).toBe(true);
    } finally {
      setLogLevel('silent');
    }
    // a failed login at this door is logged too (the token never)
    expect(lines.find((l) => l.msg === 'authentication failed')).toMatchObject({ door: 'websocket' });
    expect(JSON.stringify(lines)).not.toContain('a.b.c');

    // the gauges of /metrics: an authenticated socket and its subscription count while they last
    const gauges = async () => {
      const text = await (await fetch(api.server.url.replace('/graphql', '/metrics'))).text();
      return [/websocket_connections (\d+)/, /graphql_subscriptions (\d+)/].map((r) => Number(r.exec(text)![1]));
    };
    const settle = async (want: number[]) => {
      for (let i = 0; i < 250 && (await gauges()).join() !== want.join(); i++)
        await new Promise((r) => setTimeout(r, 20));
      return gauges();
    };
    // a baseline read while an earlier test's subscription is still completing moves under the count (CI once read
    // 2 subscriptions, one of which ended a moment later): close every earlier socket and count from zero
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
    const [sockets, subs] = [0, 0];
    expect(await settle([sockets, subs])).toEqual([sockets, subs]);
    const client = connect({ authorization: `Bearer ${tokenFor(Role.ADMIN)}` });
    const live = collect(client, `subscription { dealChanged { op } }`);
    expect(await settle([sockets + 1, subs + 1])).toEqual([sockets + 1, subs + 1]);
    live.stop();
    await client.dispose();
    expect(await settle([sockets, subs])).toEqual([sockets, subs]);

    const query = collect(connect({ authorization: `Bearer ${tokenFor(Role.ADMIN)}` }), `{ me { role } }`);
    expect(await query.until(() => query.errors.length > 0)).toBe(true);
    expect(JSON.stringify(query.errors)).toMatch(/subscriptions/);
  });

  it('without a cursor, a change committed before subscribing never arrives, even when an older open transaction held it back', async () => {
    const LEAD = `subscription($ids: [ID!]) { leadChanged(ids: $ids) { op version lead { id } } }`;
    // an older transaction that has an id and stays open: later commits are not final until it ends
    const runner = api.ds.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    await runner.query('SELECT pg_current_xact_id()');
    try {
      const ext = unique('held');
      const id = (await api.ok<{ upsertLeads: BulkOut }>(UPSERT_LEADS, { input: [{ externalId: ext, score: 1 }] }))
        .upsertLeads.results[0].id!;
      const sub = collect(connect({ authorization: `Bearer ${tokenFor(Role.ANALYST)}` }), LEAD, { ids: [id] });
      await new Promise((r) => setTimeout(r, 300)); // subscribed while the creation is committed but held back
      await runner.commitTransaction();
      await api.ok(UPSERT_LEADS, { input: [{ externalId: ext, score: 2 }] });
      expect(await sub.until(() => sub.events.length >= 1)).toBe(true);
      await new Promise((r) => setTimeout(r, 300));
      expect(sub.events.map((e) => e.data.leadChanged.op)).toEqual(['UPDATED']);
      sub.stop();
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
  });

  describe('resume from a cursor (the outbox)', () => {
    const LEADS = `subscription($ids: [ID!], $after: String) { leadChanged(ids: $ids, after: $after) { op cursor version lead { id score } } }`;
    const upsertLead = (externalId: string, score: number) =>
      api.ok<{ upsertLeads: BulkOut }>(UPSERT_LEADS, { input: [{ externalId, score }] });

    it('a subscriber that reconnects with its last cursor gets every change it missed, in order, exactly once, then live ones', async () => {
      const ext = unique('resume');
      const id = (await upsertLead(ext, 1)).upsertLeads.results[0].id!;
      const first = collect(connect({ authorization: `Bearer ${tokenFor(Role.ANALYST)}` }), LEADS, { ids: [id] });
      let score = 1;
      await sentinel(
        first,
        () => upsertLead(ext, ++score),
        () => first.events.length > 0,
      );
      const seen = first.events[first.events.length - 1].data.leadChanged;
      first.stop();
      // missed while away: three changes of the lead (and any sentinel poke still in flight when it stopped), and one
      // of another lead (filtered out by ids)
      for (const s of [score + 1, score + 2, score + 3]) await upsertLead(ext, s);
      await upsertLead(unique('other'), 9);
      const versionNow = async () =>
        Number((await api.ds.query(`SELECT version FROM leads WHERE external_id = $1`, [ext]))[0].version);
      const v = seen.version as number;
      const missed = (await versionNow()) - v;
      expect(missed).toBeGreaterThanOrEqual(3);
      const back = collect(connect({ authorization: `Bearer ${tokenFor(Role.ANALYST)}` }), LEADS, {
        ids: [id],
        after: seen.cursor,
      });
      const versions = () => back.events.map((e) => e.data.leadChanged.version);
      const upTo = (n: number) => Array.from({ length: n }, (_, i) => v + 1 + i);
      // every change after the cursor, as the version it left, in order, none twice, none missing
      expect(await back.until(() => back.events.length >= missed)).toBe(true);
      expect(versions()).toEqual(upTo(missed));
      const cursors = back.events.map((e) => e.data.leadChanged.cursor);
      expect(new Set([seen.cursor, ...cursors]).size).toBe(missed + 1);
      // then live, after the replay, with nothing repeated (the lead itself is read as it is now)
      await upsertLead(ext, 100);
      expect(await back.until(() => back.events.length >= missed + 1)).toBe(true);
      expect(versions()).toEqual(upTo(missed + 1));
      expect(back.events[missed].data.leadChanged.lead.score).toBe(100);
      back.stop();
      // a cursor older than what retention purged: CURSOR_EXPIRED; a forged one: BAD_USER_INPUT
      const [purged] = await api.ds.query(
        `SELECT tx::text, id::text FROM change_events WHERE kind = 'LEAD' AND entity_id = $1 ORDER BY tx, id LIMIT 1`,
        [id],
      );
      await api.ds.query(
        `INSERT INTO change_events_purged (tx, id) VALUES ($1::xid8, $2) ON CONFLICT (one) DO UPDATE SET tx = EXCLUDED.tx, id = EXCLUDED.id
         WHERE (change_events_purged.tx, change_events_purged.id) < (EXCLUDED.tx, EXCLUDED.id)`,
        [purged.tx, purged.id],
      );
      const expiredCursor = Buffer.from(`${purged.tx}.${purged.id}`).toString('base64url');
      const expired = collect(connect({ authorization: `Bearer ${tokenFor(Role.ANALYST)}` }), LEADS, {
        after: expiredCursor,
      });
      expect(await expired.until(() => expired.errors.length + expired.events.length > 0)).toBe(true);
      // the subscribe fails before any event: an error result with the stable code and reason, nothing else
      expect(JSON.stringify([...expired.errors, ...expired.events])).toContain('CURSOR_EXPIRED');
      expect(expired.events.every((e) => !e.data)).toBe(true);
      const forged = collect(connect({ authorization: `Bearer ${tokenFor(Role.ANALYST)}` }), LEADS, {
        after: 'bm9wZQ',
      });
      expect(await forged.until(() => forged.errors.length + forged.events.length > 0)).toBe(true);
      expect(JSON.stringify([...forged.errors, ...forged.events])).toContain('BAD_USER_INPUT');
    });
  });
});
