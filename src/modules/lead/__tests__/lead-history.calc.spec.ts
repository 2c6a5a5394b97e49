import { replayStageMoves } from '../lead-history.calc';

describe('replayStageMoves', () => {
  it('gives ladder moves, recycles back to LEAD, and leaves REJECTED/DISQUALIFIED without a target stage', () => {
    const moves = replayStageMoves([
      { logId: '1', event: 'LEAD' },
      { logId: '2', event: 'MQL' },
      { logId: '3', event: 'RECYCLED' },
      { logId: '4', event: 'MQL' },
      { logId: null, event: 'OPPORTUNITY' },
      { logId: '5', event: 'REJECTED' },
      { logId: '6', event: 'DISQUALIFIED' },
    ]);
    expect(moves).toEqual([
      { logId: '1', fromStage: null, toStage: 'LEAD' },
      { logId: '2', fromStage: 'LEAD', toStage: 'MQL' },
      { logId: '3', fromStage: 'MQL', toStage: 'LEAD' },
      { logId: '4', fromStage: 'LEAD', toStage: 'MQL' },
      { logId: '5', fromStage: 'OPPORTUNITY', toStage: null },
      { logId: '6', fromStage: 'OPPORTUNITY', toStage: null },
    ]);
  });

  it('returns nothing for deal-derived events alone', () => {
    expect(
      replayStageMoves([
        { logId: null, event: 'OPPORTUNITY' },
        { logId: null, event: 'CUSTOMER' },
      ]),
    ).toEqual([]);
  });
});
