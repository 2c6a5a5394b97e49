import { Arg, Authorized, Query, Resolver } from 'type-graphql';
import { Deps } from '../../context';
import { FunnelReport } from './analytics.types';
import { funnel } from './funnel/funnel.service';
import { FunnelInput } from './funnel/funnel.inputs';

/** Analytics: one query per metric family; every role may read them. */
@Authorized()
@Resolver()
export class AnalyticsResolver {
  constructor(private readonly deps: Deps) {}

  @Query(() => FunnelReport)
  funnel(@Arg('input', () => FunnelInput) input: FunnelInput): Promise<FunnelReport> {
    return funnel(this.deps.ds, input);
  }
}
