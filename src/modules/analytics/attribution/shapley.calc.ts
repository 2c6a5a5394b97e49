/**
 * Simplified Shapley value (Zhao et al. 2018) for the additive game of definitions.md section 6: each converting
 * journey's revenue and its one deal are split equally among its distinct states. Pure.
 */
export interface ConvertingPath {
  path: string[];
  /** Converting journeys (won deals) with this path, and their revenue. */
  deals: number;
  revenue: number;
}

export function shapleyCredit(paths: ConvertingPath[]): Map<string, { revenue: number; deals: number }> {
  const credit = new Map<string, { revenue: number; deals: number }>();
  for (const p of paths) {
    const states = [...new Set(p.path)];
    for (const s of states) {
      const c = credit.get(s) ?? { revenue: 0, deals: 0 };
      c.revenue += p.revenue / states.length;
      c.deals += p.deals / states.length;
      credit.set(s, c);
    }
  }
  return credit;
}
