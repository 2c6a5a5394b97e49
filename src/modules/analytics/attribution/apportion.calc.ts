/**
 * Rounds money parts to cents so that they sum exactly to the total (largest remainder; ties by position), as the
 * attribution invariant Σ rows.revenue + unattributed = revenue must hold to the cent.
 */
export function apportionCents(parts: number[], total: number): number[] {
  const target = Math.round(total * 100);
  // 1e-6 cent of float noise is not a remainder
  const raw = parts.map((v) => Math.round(v * 100 * 1e6) / 1e6);
  const cents = raw.map(Math.floor);
  let diff = target - cents.reduce((a, b) => a + b, 0);
  const order = raw.map((v, i) => ({ i, rem: v - Math.floor(v) }));
  if (diff > 0) {
    order.sort((a, b) => b.rem - a.rem || a.i - b.i);
    for (let k = 0; diff > 0 && order.length; k = (k + 1) % order.length, diff--) cents[order[k].i]++;
  } else if (diff < 0) {
    order.sort((a, b) => a.rem - b.rem || b.i - a.i);
    for (let guard = 0; diff < 0 && guard < 100 * order.length; guard++) {
      const k = order[guard % order.length].i;
      if (cents[k] > 0) { cents[k]--; diff++; }
    }
  }
  return cents.map((c) => c / 100);
}
