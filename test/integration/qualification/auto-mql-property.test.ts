import { DataSource } from 'typeorm';
import { serviceTransactions } from '../../../src/container';
import { ActiveDefinition, qualifyLeads } from '../../../src/modules/qualification/auto-mql';
import {
  EvalDefinition,
  EvalEngagementRule,
  EvalFitRule,
  EvalLead,
  EvalWrite,
  Mutation,
  qualifiedAt,
  replayAutoMql,
} from '../../support/qualification-evaluator';
import { backtestInstants } from '../../../src/modules/qualification/backtest.query';
import { scratchDatabase } from '../../support/scratch-db';
import { randomTools as rng } from '../../../src/seed/prng';

/**
 * Automatic MQL (definitions.md §8) against an independent in-memory evaluator on random histories: random fit and
 * engagement rules (negative points, caps, decay or none, windows of whole days), leads on random accounts, and
 * touches written in random order with backdated instants, REJECTED and RECYCLED events between the writes. After each
 * write the service's evaluation (qualifyLeads, what every write transaction runs) is applied at that write's instant;
 * the MQL instants and versions must equal the evaluator's. Instants lie on a 6-hour grid so touches exactly one window
 * apart, and ties, happen often: an evaluator that reads the window as [t − w, t] or keeps the earliest touches of a
 * capped rule disagrees with the service on these histories (checked below), so the test would catch either mistake.
 */
jest.setTimeout(180_000);

const DAY = 86_400_000;
const BASE = Date.UTC(2024, 5, 1);
const TYPES = ['EMAIL_CLICK', 'FORM_SUBMISSION', 'WEBINAR_ATTENDED'];
const CHANNELS = ['EMAIL', 'PAID_SEARCH', 'WEBINAR'];
const TITLES = ['VP Sales', 'Head of IT', 'student', 'Engineer', null];

function randomDefinition(r: ReturnType<typeof rng>): EvalDefinition {
  const fitRules: EvalFitRule[] = [];
  for (let i = r.int(0, 3); i > 0; i--) {
    const kind = r.int(0, 3);
    if (kind === 0)
      fitRules.push({
        attribute: 'INDUSTRY',
        op: 'IN',
        values: ['Software'],
        min: null,
        max: null,
        points: r.int(-20, 40),
      });
    if (kind === 1)
      fitRules.push({
        attribute: 'EMPLOYEES',
        op: 'BETWEEN',
        values: null,
        min: 50,
        max: r.pick([500, null]),
        points: r.int(-20, 40),
      });
    if (kind === 2)
      fitRules.push({
        attribute: 'TITLE',
        op: 'CONTAINS_ANY',
        values: ['vp', 'head'],
        min: null,
        max: null,
        points: r.int(0, 40),
      });
    if (kind === 3)
      fitRules.push({
        attribute: 'REGION',
        op: 'NOT_IN',
        values: ['APAC'],
        min: null,
        max: null,
        points: r.int(-10, 20),
      });
  }
  const engagementRules: EvalEngagementRule[] = [];
  for (let i = r.int(1, 4); i > 0; i--)
    engagementRules.push({
      touchType: r.next() < 0.7 ? r.pick(TYPES) : null,
      channel: r.next() < 0.3 ? r.pick(CHANNELS) : null,
      points: r.next() < 0.15 ? -r.int(1, 10) : r.int(5, 40),
      maxCount: r.next() < 0.6 ? r.int(1, 2) : null,
    });
  const maxFit = fitRules.reduce((s, x) => s + Math.max(0, x.points), 0);
  return {
    fitRules,
    engagementRules,
    fitThreshold: r.int(Math.min(0, maxFit), maxFit),
    engagementThreshold: r.int(10, 90),
    engagementWindowDays: r.pick([1, 3, 7, 14]),
    engagementHalfLifeDays: r.pick([null, 1, 2, 3, 7]),
  };
}

/** One random history: leads, writes; returns what the service recorded (lead → MQL instants with versions). */
async function runCase(ds: DataSource, seed: number, mutations: Mutation[]) {
  const r = rng(seed);
  const def = randomDefinition(r);
  const version = 1000 + seed;
  const p = `s${seed}`;
  const transactions = serviceTransactions(ds);
  const accounts = (await ds.query(`SELECT id::text AS id, industry, region, employees FROM accounts ORDER BY id`)) as {
    id: string;
    industry: string | null;
    region: string | null;
    employees: number | null;
  }[];
  const leads = new Map<string, EvalLead & { createdAt: number; id: string }>();
  for (let i = 0; i < 15; i++) {
    const a = r.pick(accounts);
    const createdAt = BASE + (r.int(-80, 48) * DAY) / 4;
    const title = r.pick(TITLES);
    const [{ id }] = await ds.query(
      `INSERT INTO leads (external_id, title, source, account_id, created_at) VALUES ($1, $2, 'EMAIL', $3, $4) RETURNING id::text AS id`,
      [`${p}-L${i}`, title, a.id, new Date(createdAt)],
    );
    await ds.query(`INSERT INTO lead_stage_changes (lead_id, event, occurred_at) VALUES ($1, 'LEAD', $2)`, [
      id,
      new Date(createdAt),
    ]);
    leads.set(id, {
      id,
      createdAt,
      title,
      source: 'EMAIL',
      industry: a.industry,
      region: a.region,
      employees: a.employees,
    });
  }
  await ds.query(`SELECT refresh_leads(ARRAY(SELECT id FROM leads WHERE external_id LIKE $1))`, [`${p}-%`]);
  const campaigns = new Map<string, string>(
    ((await ds.query(`SELECT channel, id::text AS id FROM campaigns`)) as { channel: string; id: string }[]).map(
      (c) => [c.channel, c.id],
    ),
  );
  const active: ActiveDefinition = {
    ...def,
    id: '0',
    version,
    name: p,
    note: null,
    responseSlaHours: 24,
    activatedAt: new Date(BASE),
  } as ActiveDefinition;
  const writes: EvalWrite[] = [];
  const ids = [...leads.keys()];
  let n = 0;
  for (let k = 1; k <= 10; k++) {
    const now = BASE + k * 2 * DAY;
    const write: EvalWrite = { now, touches: [], events: [] };
    for (let j = r.int(4, 20); j > 0; j--) {
      // a few leads get most touches, so capped rules often have more matching touches than they count
      const lead = r.next() < 0.6 ? ids[r.int(0, 2)] : r.pick(ids);
      const channel = r.pick(CHANNELS);
      const at = now - r.int(0, 4 * 20) * (DAY / 4);
      write.touches.push({
        lead,
        touch: { externalId: `${p}-T${String(n++).padStart(4, '0')}`, type: r.pick(TYPES), channel, at },
      });
    }
    // hand-off events on a few leads, after everything they already have
    for (let j = r.int(0, 2); j > 0; j--) {
      const lead = r.pick(ids);
      const [{ last, stage, status }] = await ds.query(
        `SELECT max(c.occurred_at) AS last, l.stage, l.status FROM leads l JOIN lead_stage_changes c ON c.lead_id = l.id WHERE l.id = $1 GROUP BY l.stage, l.status`,
        [lead],
      );
      const at = now - DAY / 4;
      if (new Date(last).getTime() >= at || write.events.some((e) => e.lead === lead)) continue;
      if (stage === 'MQL' || status === 'REJECTED') write.events.push({ lead, event: 'RECYCLED', at });
      else if (stage === 'LEAD' && r.next() < 0.5) write.events.push({ lead, event: 'REJECTED', at });
    }
    writes.push(write);
    await transactions.run(async (tx) => {
      for (const t of write.touches)
        await tx.query(
          `INSERT INTO touchpoints (external_id, lead_id, campaign_id, channel, type, occurred_at) VALUES ($1, $2, $3, $4, $5, $6)`,
          [
            t.touch.externalId,
            t.lead,
            campaigns.get(t.touch.channel),
            t.touch.channel,
            t.touch.type,
            new Date(t.touch.at),
          ],
        );
      for (const e of write.events)
        await tx.query(`INSERT INTO lead_stage_changes (lead_id, event, occurred_at, reason) VALUES ($1, $2, $3, $4)`, [
          e.lead,
          e.event,
          new Date(e.at),
          e.event === 'REJECTED' ? 'BAD_FIT' : null,
        ]);
      const changed = [...new Set([...write.touches.map((t) => t.lead), ...write.events.map((e) => e.lead)])];
      await tx.query(`SELECT refresh_leads($1::bigint[])`, [changed]);
      await qualifyLeads(tx, active, changed, new Date(now));
    });
  }
  const got = (await ds.query(
    `SELECT lead_id::text AS lead, occurred_at AS at, qualification_version AS v FROM lead_stage_changes
     WHERE event = 'MQL' AND lead_id = ANY($1::bigint[]) ORDER BY lead_id, occurred_at`,
    [ids],
  )) as { lead: string; at: Date; v: number }[];
  const service: Record<string, number[]> = {};
  for (const g of got) {
    expect(g.v).toBe(version);
    (service[g.lead] ??= []).push(g.at.getTime());
  }
  const evaluate = (m: Mutation) => {
    const out: Record<string, number[]> = {};
    for (const [lead, ats] of replayAutoMql(def, BASE, leads, writes, m)) out[lead] = [...ats].sort((a, b) => a - b);
    return out;
  };
  // the backtest's q (from createdAt, every touch, as of the end) under the same definition: on the service's decay
  // grid, and on one of 48 half-lives, so that these 40-day histories cross eras (a touch weighs 2^−48 after that: nothing)
  const asOf = BASE + 21 * DAY;
  const backtest: Record<string, number> = {};
  for (const [id, l] of leads) {
    const touches = writes.flatMap((w) => w.touches.filter((t) => t.lead === id).map((t) => t.touch));
    const q = qualifiedAt(def, l, touches, l.createdAt, asOf);
    if (q != null) backtest[id] = q;
  }
  const backtestGot = async (eraHalfLives?: number) =>
    Object.fromEntries(
      (await backtestInstants(ds, active, ids, new Date(asOf), eraHalfLives)).map((b) => [b.leadId, b.at.getTime()]),
    );
  return {
    service,
    expected: evaluate('none'),
    mutated: mutations.map(evaluate),
    def,
    backtest,
    backtestGot: [await backtestGot(), await backtestGot(48)],
  };
}

describe('automatic MQL against an evaluator of definitions.md §8', () => {
  let db: Awaited<ReturnType<typeof scratchDatabase>>;
  beforeAll(async () => {
    db = await scratchDatabase('auto_mql');
    await db.ds.query(`INSERT INTO accounts (name, industry, region, employees) VALUES
      ('a', 'Software', 'EMEA', 250), ('b', 'software', 'APAC', 40), ('c', 'Retail', 'NA', 5000), ('d', NULL, NULL, NULL)`);
    await db.ds.query(
      `INSERT INTO campaigns (external_id, name, channel) VALUES ('pe', 'e', 'EMAIL'), ('pp', 'p', 'PAID_SEARCH'), ('pw', 'w', 'WEBINAR')`,
    );
  });
  afterAll(() => db?.drop());

  it('equals the evaluator on 24 random histories (automatic MQL and the backtest); a wrong window bound or cap order would not', async () => {
    const mutations: Mutation[] = ['window-closed-left', 'cap-earliest'];
    const caught = new Map<Mutation, number>(mutations.map((m) => [m, 0]));
    let mqls = 0;
    let backtests = 0;
    for (let seed = 1; seed <= 24; seed++) {
      const c = await runCase(db.ds, seed, mutations);
      expect([seed, c.service]).toEqual([seed, c.expected]);
      expect([seed, ...c.backtestGot]).toEqual([seed, c.backtest, c.backtest]);
      backtests += Object.keys(c.backtest).length;
      mqls += Object.values(c.service).flat().length;
      mutations.forEach((m, i) => {
        if (JSON.stringify(c.mutated[i]) !== JSON.stringify(c.service)) caught.set(m, caught.get(m)! + 1);
      });
    }
    expect(mqls).toBeGreaterThan(50);
    expect(backtests).toBeGreaterThan(50);
    for (const m of mutations) expect([m, caught.get(m)! > 0]).toEqual([m, true]);
  });
});
