/**
 * Worked example 2 (docs/examples/attribution-2.md), moved to 2017 (same day gaps: both years are common years)
 * so that no other test's won deals fall in its period; external ids prefixed by p.
 */
export function attributionExample2(p: string) {
  const day = (md: string) => `2017-${md}T12:00:00.000Z`;
  const C = (n: number) => `${p}-C${n}`;
  const L = (x: string) => `${p}-L${x}`;
  const T = (n: number, lead: string, campaign: number, md: string) => ({
    externalId: `${p}-T${n}`,
    leadExternalId: L(lead),
    campaignExternalId: C(campaign),
    type: 'WEB_VISIT',
    occurredAt: day(md),
  });
  return {
    campaigns: [
      ['WEBINAR', 1],
      ['PAID_SEARCH', 2],
      ['EMAIL', 3],
      ['EVENT', 4],
      ['PAID_SOCIAL', 5],
    ].map(([channel, n]) => ({ externalId: C(n as number), name: `C${n}`, channel })),
    spend: [
      [1, '03-03', 1000],
      [2, '03-04', 2000],
      [5, '03-05', 500],
      [2, '02-10', 700],
    ].map(([n, md, amount]) => ({ campaignExternalId: C(n as number), day: day(md as string), amount })),
    leads: [
      ['A', '01-10'],
      ['B', '02-01'],
      ['C', '01-15'],
      ['D', '02-20'],
      ['E', '01-02'],
    ].map(([x, md]) => ({ externalId: L(x), createdAt: day(md) })),
    touchpoints: [
      T(1, 'A', 2, '01-05'),
      T(2, 'A', 1, '01-10'),
      T(3, 'A', 3, '01-20'),
      T(4, 'A', 4, '02-01'),
      T(5, 'A', 3, '02-20'),
      T(6, 'B', 3, '02-01'),
      T(7, 'C', 2, '01-16'),
      T(8, 'C', 1, '02-10'),
      T(9, 'E', 4, '01-02'),
    ],
    deals: [
      ['A', 10000, '02-03'],
      ['B', 4000, '02-05'],
      ['C', 6000, '02-15'],
      ['D', 2000, '02-25'],
      ['E', 8000, '01-20'],
    ].map(([x, amount, md]) => ({
      externalId: `${p}-D${x}`,
      name: `D${x}`,
      amount,
      leadExternalIds: [L(x as string)],
      createdAt: day(md as string),
    })),
    dealChanges: [
      ['A', 'WON', '03-01'],
      ['B', 'WON', '03-10'],
      ['C', 'WON', '03-15'],
      ['D', 'WON', '03-20'],
      ['E', 'LOST', '03-05'],
    ].map(([x, stage, md]) => ({ dealExternalId: `${p}-D${x}`, stage, occurredAt: day(md) })),
    input: {
      from: '2017-03-01T00:00:00Z',
      to: '2017-04-01T00:00:00Z',
      asOf: '2017-04-15T12:00:00Z',
      lookbackDays: 365,
      halfLifeDays: 7,
    },
  };
}
