import { at } from './ops';

/** Worked example 1 (docs/examples/funnel-1.md) with external ids prefixed by p and an owner to scope by. */
export function funnelExample1(p: string, ownerEmail?: string) {
  const L = (n: number) => `${p}-R${n}`;
  const D = (n: number) => `${p}-D${n}`;
  const owner = ownerEmail ? { ownerEmail } : {};
  return {
    leads: [
      { externalId: L(1), createdAt: at('2025-02-20'), source: 'WEBINAR', ...owner },
      { externalId: L(2), createdAt: at('2025-03-01'), source: 'PAID_SEARCH', ...owner },
      { externalId: L(3), createdAt: at('2025-03-05'), source: 'OUTBOUND', ...owner },
      { externalId: L(4), createdAt: at('2025-01-10'), source: 'EMAIL', ...owner },
      { externalId: L(5), createdAt: at('2025-03-10'), source: 'PAID_SEARCH', ...owner },
    ],
    events: [
      { leadExternalId: L(1), event: 'MQL', occurredAt: at('2025-03-03') },
      { leadExternalId: L(1), event: 'SQL', occurredAt: at('2025-03-05') },
      { leadExternalId: L(2), event: 'MQL', occurredAt: at('2025-03-02') },
      { leadExternalId: L(2), event: 'REJECTED', occurredAt: at('2025-03-04'), reason: 'NO_BUDGET' },
      { leadExternalId: L(3), event: 'SQL', occurredAt: at('2025-03-06') },
      { leadExternalId: L(4), event: 'MQL', occurredAt: at('2025-01-15') },
      { leadExternalId: L(4), event: 'SQL', occurredAt: at('2025-03-02') },
      { leadExternalId: L(5), event: 'MQL', occurredAt: at('2025-03-12') },
      { leadExternalId: L(5), event: 'RECYCLED', occurredAt: at('2025-03-15'), reason: 'TIMING' },
      { leadExternalId: L(5), event: 'MQL', occurredAt: at('2025-03-25') },
      { leadExternalId: L(5), event: 'SQL', occurredAt: at('2025-04-05') },
    ],
    deals: [
      { externalId: D(1), name: 'D1', amount: 10000, leadExternalIds: [L(1)], createdAt: at('2025-03-10'), ...owner },
      { externalId: D(3), name: 'D3', amount: 8000, leadExternalIds: [L(3)], createdAt: at('2025-03-20'), ...owner },
      { externalId: D(4), name: 'D4', amount: 12000, leadExternalIds: [L(4)], createdAt: at('2025-03-04'), ...owner },
    ],
    dealChanges: [
      { dealExternalId: D(1), stage: 'PROPOSAL', occurredAt: at('2025-03-25') },
      { dealExternalId: D(1), stage: 'WON', occurredAt: at('2025-04-20') },
      { dealExternalId: D(3), stage: 'DISCOVERY', occurredAt: at('2025-03-25') },
      { dealExternalId: D(3), stage: 'LOST', occurredAt: at('2025-04-02'), reason: 'Went with a competitor' },
    ],
  };
}
