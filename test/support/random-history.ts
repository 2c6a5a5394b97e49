import fc from 'fast-check';
import { MemLead } from './funnel-evaluator';
import { bulkLoad, freshOwner } from './bulk-load';
import { RECORD_DEAL_CHANGES, RECORD_LEAD_EVENTS, UPSERT_ACCOUNTS, UPSERT_DEALS, UPSERT_LEADS } from './ops';
import { TestApi } from './test-server';
import { unique } from './unique';

/** Random small funnel histories for the property tests: backdated, same-instant, recycled, rejected, reopened. */
export const DAY = 86_400_000;
const T0 = Date.UTC(2025, 0, 1, 12);
/** Whole days at 12:00, so same-instant ties happen often. */
export const t = (d: number) => T0 + d * DAY;
export const iso = (ms: number) => new Date(ms).toISOString();
const SOURCES = ['EMAIL', 'REFERRAL', null];

export const arbLead: fc.Arbitrary<MemLead> = fc
  .record({
    createdAt: fc.integer({ min: 0, max: 90 }).map(t),
    source: fc.constantFrom(...SOURCES),
    events: fc.array(
      fc.record({
        event: fc.constantFrom('MQL', 'SAL', 'SQL', 'REJECTED', 'RECYCLED', 'DISQUALIFIED'),
        // some hand-offs within hours, so the SLA and response times see fractions of a day
        at: fc
          .tuple(fc.integer({ min: 0, max: 120 }), fc.constantFrom(0, 0, 0, 3, 30))
          .map(([d, h]) => t(d) + h * 3_600_000),
        reason: fc.option(fc.constantFrom('BAD_FIT', 'NO_BUDGET', 'TIMING'), { nil: undefined }),
      }),
      { maxLength: 5 },
    ),
    deals: fc.array(
      fc.record({
        createdAt: fc.integer({ min: 10, max: 110 }).map(t),
        amount: fc.integer({ min: 1, max: 5_000_000 }).map((c) => c / 100),
        changes: fc.array(
          fc.record({
            stage: fc.constantFrom('DISCOVERY', 'PROPOSAL', 'NEGOTIATION', 'WON', 'LOST'),
            at: fc.integer({ min: 0, max: 40 }),
          }),
          { maxLength: 4 },
        ),
      }),
      { maxLength: 2 },
    ),
  })
  .map((l) => ({
    ...l,
    // the API keeps one event per (event, instant), takes reasons on returns only, and refuses changes before a deal's creation
    events: l.events
      .map((e) => ({ ...e, reason: e.event === 'REJECTED' || e.event === 'DISQUALIFIED' ? e.reason : undefined }))
      .filter((e, i, a) => a.findIndex((x) => x.event === e.event && x.at === e.at) === i),
    deals: l.deals.map((d) => ({
      createdAt: d.createdAt,
      amount: d.amount,
      changes: d.changes
        .map((c) => ({ stage: c.stage, at: d.createdAt + c.at * DAY }))
        .filter((c, i, a) => a.findIndex((x) => x.stage === c.stage && x.at === c.at) === i),
    })),
  }));

/**
 * Loads the history through the bulk API (events latest-first) under a fresh owner; returns the owner's id. With
 * `oneAccount`, every deal belongs to one fresh account (one customer: its first win is contested).
 */
export async function loadHistory(api: TestApi, leads: MemLead[], oneAccount = false): Promise<string> {
  const p = unique('prop');
  const { email: owner, id: ownerId } = await freshOwner(api, p);
  const accountExternalId = oneAccount ? `${p}-A` : null;
  if (accountExternalId) await bulkLoad(api, [[UPSERT_ACCOUNTS, [{ externalId: accountExternalId, name: 'a' }]]]);
  await bulkLoad(api, [
    [
      UPSERT_LEADS,
      leads.map((l, i) => ({
        externalId: `${p}-L${i}`,
        createdAt: iso(l.createdAt),
        ownerEmail: owner,
        source: l.source,
      })),
    ],
    [
      RECORD_LEAD_EVENTS,
      leads
        .flatMap((l, i) =>
          l.events.map((e) => ({
            leadExternalId: `${p}-L${i}`,
            event: e.event,
            occurredAt: iso(e.at),
            reason: e.reason,
          })),
        )
        .reverse(),
    ],
    [
      UPSERT_DEALS,
      leads.flatMap((l, i) =>
        l.deals.map((d, j) => ({
          externalId: `${p}-D${i}-${j}`,
          name: 'd',
          amount: d.amount,
          ownerEmail: owner,
          leadExternalIds: [`${p}-L${i}`],
          createdAt: iso(d.createdAt),
          accountExternalId,
        })),
      ),
    ],
    [
      RECORD_DEAL_CHANGES,
      leads.flatMap((l, i) =>
        l.deals.flatMap((d, j) =>
          d.changes.map((c) => ({ dealExternalId: `${p}-D${i}-${j}`, stage: c.stage, occurredAt: iso(c.at) })),
        ),
      ),
    ],
  ]);
  return ownerId;
}

/** Rounds for comparing floats computed in SQL and in JS (1e-6; money to the cent is checked elsewhere exactly). */
export const r6 = (x: number | null) => (x === null ? null : Math.round(x * 1e6) / 1e6);
