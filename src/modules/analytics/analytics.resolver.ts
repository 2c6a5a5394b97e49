import { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, Ctx, Info, Mutation, Query, Resolver } from 'type-graphql';
import { fieldsByType } from '../../common/dataloader/columns';
import { Role } from '../../common/graphql/enums';
import { Context, Deps } from '../../context';
import { FunnelReport } from './analytics.types';
import { attribution } from './attribution/attribution.service';
import { AttributionInput, AttributionReport } from './attribution/attribution.types';
import { funnel } from './funnel/funnel.service';
import { FunnelInput } from './funnel/funnel.inputs';
import { kpis } from './kpi/kpi.service';
import { kpiTargets, setKpiTargets } from './kpi/kpi-target.service';
import { KpiTarget, KpiTargetInput } from './kpi/kpi-target.types';
import { kpiSeries } from './kpi/kpi-series.service';
import { KpiPoint, KpiSeriesInput } from './kpi/kpi-series.types';
import { KpiInput, KpiReport } from './kpi/kpi.types';
import { PipelineFunnelInput } from './pipeline-funnel/pipeline-funnel.inputs';
import { pipelineFunnel } from './pipeline-funnel/pipeline-funnel.service';
import { onReplica } from '../../db/read-routing';

/** Analytics: one query per metric family; every role may read them. Replicas may answer them (onReplica). */
@Authorized()
@Resolver()
export class AnalyticsResolver {
  constructor(private readonly deps: Deps) {}

  @Query(() => FunnelReport)
  funnel(
    @Arg('input', () => FunnelInput) input: FunnelInput,
    @Info() info: GraphQLResolveInfo,
    @Ctx() ctx: Context,
  ): Promise<FunnelReport> {
    return onReplica(this.deps.ds, (db) =>
      funnel(db, input, fieldsByType(info).get('FunnelStep')?.has('daysFromPrevious') ?? false, (q, plan) =>
        ctx.loaders.funnelRollup.load({ q, plan }),
      ),
    );
  }

  @Query(() => AttributionReport)
  async attribution(
    @Arg('input', () => AttributionInput) input: AttributionInput,
    @Ctx() ctx: Context,
  ): Promise<AttributionReport> {
    const report = await onReplica(this.deps.ds, (db) => attribution(db, input));
    for (const row of report.rows) if (row.embeddedCampaign) ctx.loaders.campaign.prime(row.key, row.embeddedCampaign);
    return report;
  }

  @Query(() => KpiReport)
  kpis(@Arg('input', () => KpiInput) input: KpiInput): Promise<KpiReport> {
    return onReplica(this.deps.ds, (db) => kpis(db, input));
  }

  @Query(() => [KpiPoint])
  kpiSeries(@Arg('input', () => KpiSeriesInput) input: KpiSeriesInput): Promise<KpiPoint[]> {
    return onReplica(this.deps.ds, (db) => kpiSeries(db, input));
  }

  @Query(() => [KpiTarget])
  kpiTargets(@Arg('from') from: Date, @Arg('to') to: Date): Promise<KpiTarget[]> {
    return onReplica(this.deps.ds, (db) => kpiTargets(db, from, to));
  }

  @Authorized([Role.ADMIN, Role.REVOPS])
  @Mutation(() => [KpiTarget])
  setKpiTargets(@Arg('input', () => [KpiTargetInput]) input: KpiTargetInput[]): Promise<KpiTarget[]> {
    return setKpiTargets(this.deps.transactions, input);
  }

  @Query(() => FunnelReport)
  pipelineFunnel(@Arg('input', () => PipelineFunnelInput) input: PipelineFunnelInput): Promise<FunnelReport> {
    return onReplica(this.deps.ds, (db) => pipelineFunnel(db, input));
  }
}
