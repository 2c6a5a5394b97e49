import DataLoader from 'dataloader';
import { DataSource } from 'typeorm';
import { FunnelRow } from './core/funnel-steps.sql';
import { FunnelQuery } from './funnel/funnel.query';
import { queryFunnelRollups, RollupPlan } from './funnel/funnel-rollup.query';
import { onReplica } from '../../db/read-routing';

/** One funnel the rollup answers: the query and how (rollupPlan). */
export interface RollupFunnel {
  q: FunnelQuery;
  plan: RollupPlan;
}

/** What must be equal for funnels to share one statement: everything but the period and asOf. */
const shapeOf = ({ q, plan }: RollupFunnel) =>
  JSON.stringify([q.steps, q.basis, q.policy, q.windowSeconds, q.breakdown, q.sources, q.ownerIds, plan]);

/**
 * A request's analytics batches: the funnels of one operation that the rollup answers and that differ only in their
 * period (twelve months side by side, as a dashboard or a BI tool asks) run as one statement per shape.
 */
export const analyticsLoaders = (ds: DataSource) => ({
  funnelRollup: new DataLoader<RollupFunnel, FunnelRow[] | null, string>(
    async (funnels) => {
      const shapes = new Map<string, number[]>();
      funnels.forEach((f, i) => {
        const shape = shapeOf(f);
        const idx = shapes.get(shape);
        if (idx) idx.push(i);
        else shapes.set(shape, [i]);
      });
      const out: (FunnelRow[] | null)[] = new Array(funnels.length);
      await Promise.all(
        [...shapes.values()].map(async (idx) => {
          const rows = await onReplica(ds, (db) =>
            queryFunnelRollups(
              db,
              idx.map((i) => funnels[i].q),
              funnels[idx[0]].plan,
            ),
          );
          idx.forEach((i, j) => (out[i] = rows[j]));
        }),
      );
      return out;
    },
    // the same funnel twice in one operation is one funnel (asOf left out: it is "now" to the millisecond)
    { cacheKeyFn: (f) => JSON.stringify([shapeOf(f), f.q.from, f.q.to, f.q.currentOutcomes]) },
  ),
});
