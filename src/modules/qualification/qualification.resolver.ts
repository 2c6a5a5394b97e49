import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { QUALIFICATION } from '../../common/auth/viewer';
import { Context, Deps } from '../../context';
import { handoffFeedback, qualificationBacktest } from './agreement-analytics.service';
import { activeDefinitionFull, definitionsByStatus } from './qualification.repository';
import { onReplica } from '../../db/read-routing';
import {
  approveDefinition,
  createDefinition,
  proposeDefinition,
  retireDefinition,
  updateDefinition,
} from './qualification.service';
import {
  HandoffFeedback,
  HandoffFeedbackInput,
  QualificationBacktest,
  QualificationBacktestInput,
  QualificationDefinition,
  QualificationDefinitionInput,
  QualificationStatus,
} from './qualification.types';

/** The qualification agreement (definitions.md §8) and hand-off feedback (§9): every role reads; writes per §7. */
@Authorized()
@Resolver()
export class QualificationResolver {
  constructor(private readonly deps: Deps) {}

  @Query(() => [QualificationDefinition], { description: 'Every definition version, newest first.' })
  qualificationDefinitions(
    @Arg('status', () => QualificationStatus, { nullable: true, description: 'Only versions in this status.' })
    status: QualificationStatus | null,
  ): Promise<QualificationDefinition[]> {
    return definitionsByStatus(this.deps.ds, status);
  }

  @Query(() => QualificationDefinition, { nullable: true, description: 'The definition in force (null when none).' })
  activeQualificationDefinition(): Promise<QualificationDefinition | null> {
    return activeDefinitionFull(this.deps.ds);
  }

  @Query(() => QualificationBacktest, {
    description:
      'Had this definition (saved, any status, or inline) been in force all along: who it qualifies among the leads ' +
      'created in the period, beside who the actual practice made MQL, against SQL and customer outcomes.',
  })
  qualificationBacktest(
    @Arg('input', () => QualificationBacktestInput) input: QualificationBacktestInput,
  ): Promise<QualificationBacktest> {
    return onReplica(this.deps.ds, (db) => qualificationBacktest(db, input));
  }

  @Query(() => HandoffFeedback, {
    description: "Sales' feedback on the MQLs of the period: accepted, returned (why), pending, response time and SLA.",
  })
  handoffFeedback(@Arg('input', () => HandoffFeedbackInput) input: HandoffFeedbackInput): Promise<HandoffFeedback> {
    return onReplica(this.deps.ds, (db) => handoffFeedback(db, input));
  }

  @Authorized(QUALIFICATION.draft)
  @Mutation(() => QualificationDefinition, { description: 'A new DRAFT version.' })
  createQualificationDefinition(
    @Arg('input', () => QualificationDefinitionInput) input: QualificationDefinitionInput,
    @Ctx() ctx: Context,
  ): Promise<QualificationDefinition> {
    return createDefinition(this.deps.transactions, ctx.viewer!, input);
  }

  @Authorized(QUALIFICATION.draft)
  @Mutation(() => QualificationDefinition, { description: 'Edits a DRAFT; anything else is CONFLICT.' })
  updateQualificationDefinition(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => QualificationDefinitionInput) input: QualificationDefinitionInput,
    @Ctx() ctx: Context,
  ): Promise<QualificationDefinition> {
    return updateDefinition(this.deps.transactions, ctx.viewer!, id, input);
  }

  @Authorized(QUALIFICATION.draft)
  @Mutation(() => QualificationDefinition, {
    description: 'DRAFT → PROPOSED: immutable from now on, open to approval.',
  })
  proposeQualificationDefinition(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: Context,
  ): Promise<QualificationDefinition> {
    return proposeDefinition(this.deps.transactions, ctx.viewer!, id);
  }

  @Authorized(QUALIFICATION.approve)
  @Mutation(() => QualificationDefinition, {
    description: "The caller's approval; the second valid one (other side, other principal) activates it.",
  })
  approveQualificationDefinition(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: Context,
  ): Promise<QualificationDefinition> {
    return approveDefinition(this.deps.transactions, ctx.viewer!, id);
  }

  @Authorized(QUALIFICATION.retire)
  @Mutation(() => QualificationDefinition, {
    description: 'Retires a version: the active one (none is active afterwards), or withdraws a draft or proposal.',
  })
  retireQualificationDefinition(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: Context,
  ): Promise<QualificationDefinition> {
    return retireDefinition(this.deps.transactions, ctx.viewer!, id);
  }
}
