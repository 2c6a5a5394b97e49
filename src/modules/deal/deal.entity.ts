import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { AccountEntity } from '../account/account.entity';
import { LeadEntity } from '../lead/lead.entity';
import { PipelineStageEntity } from '../pipeline-stage/pipeline-stage.entity';
import { UserEntity } from '../user/user.entity';

/** A deal. stage_key, status, closed_at and lost_reason are derived by refresh_deals() from the stage log. */
@Entity({ name: 'deals' })
@Unique('deals_external_id_key', ['externalId'])
@Index('deals_created_at_id_idx', ['createdAt', 'id'])
@Index('deals_closed_at_idx', ['closedAt'], { where: 'closed_at IS NOT NULL' })
// a partial covering index (INCLUDE amount, created_at), which TypeORM cannot describe: migration 1764633600000
@Index('deals_won_closed_at_idx', { synchronize: false })
@Index('deals_account_id_idx', ['accountId'])
@Index('deals_owner_id_idx', ['ownerId'])
@Check('deals_amount_check', `amount >= 0`)
@Check('deals_status_check', `status IN ('OPEN','WON','LOST')`)
@Index('deals_search_idx', { synchronize: false }) // pg_trgm GIN on an expression (migration ListsAndLifecycle)
@Index('deals_updated_at_id_idx', ['updatedAt', 'id'])
@Index('deals_archived_at_idx', ['archivedAt'], { where: 'archived_at IS NOT NULL' })
@Check('deals_merged_archived_check', 'merged_into_id IS NULL OR archived_at IS NOT NULL')
export class DealEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'BY DEFAULT',
    primaryKeyConstraintName: 'deals_pkey',
  })
  id: string;
  @Column('text', { name: 'external_id', nullable: true }) externalId: string | null;
  @Column('text') name: string;
  @Column('numeric', { precision: 18, scale: 2 }) amount: string;
  @Column('bigint', { name: 'account_id', nullable: true }) accountId: string | null;
  @ManyToOne(() => AccountEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'account_id', foreignKeyConstraintName: 'deals_account_id_fkey' })
  account?: AccountEntity;
  @Column('bigint', { name: 'owner_id', nullable: true }) ownerId: string | null;
  @ManyToOne(() => UserEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'owner_id', foreignKeyConstraintName: 'deals_owner_id_fkey' })
  owner?: UserEntity;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'expected_close_date', nullable: true }) expectedCloseDate: Date | null;
  @Column('timestamptz', { name: 'recorded_at', default: () => 'now()' }) recordedAt: Date;
  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' }) updatedAt: Date;
  @Column('timestamptz', { name: 'archived_at', nullable: true }) archivedAt: Date | null;
  @Column('bigint', { name: 'merged_into_id', nullable: true }) mergedIntoId: string | null;
  @ManyToOne(() => DealEntity)
  @JoinColumn({ name: 'merged_into_id', foreignKeyConstraintName: 'deals_merged_into_id_fkey' })
  mergedInto?: DealEntity;
  @Column('integer', { default: 1 }) version: number;
  @Column('text', { name: 'stage_key' }) stageKey: string;
  @ManyToOne(() => PipelineStageEntity, { nullable: false })
  @JoinColumn({ name: 'stage_key', foreignKeyConstraintName: 'deals_stage_key_fkey' })
  stage?: PipelineStageEntity;
  @Column('text', { default: 'OPEN' }) status: string;
  @Column('timestamptz', { name: 'closed_at', nullable: true }) closedAt: Date | null;
  @Column('text', { name: 'lost_reason', nullable: true }) lostReason: string | null;
}

@Entity({ name: 'deal_leads' })
@Index('deal_leads_lead_id_idx', ['leadId'])
export class DealLeadEntity {
  @PrimaryColumn('bigint', { name: 'deal_id', primaryKeyConstraintName: 'deal_leads_pkey' }) dealId: string;
  @PrimaryColumn('bigint', { name: 'lead_id', primaryKeyConstraintName: 'deal_leads_pkey' }) leadId: string;
  @ManyToOne(() => DealEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'deal_id', foreignKeyConstraintName: 'deal_leads_deal_id_fkey' })
  deal?: DealEntity;
  @ManyToOne(() => LeadEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'lead_id', foreignKeyConstraintName: 'deal_leads_lead_id_fkey' })
  lead?: LeadEntity;
}

/** Append-only stage log of a deal, its creation included, with the amount as of each change. */
@Entity({ name: 'deal_stage_changes' })
@Unique('deal_stage_changes_deal_id_to_stage_occurred_at_key', ['dealId', 'toStage', 'occurredAt'])
@Index('deal_stage_changes_deal_id_occurred_at_idx', ['dealId', 'occurredAt'])
@Check('deal_stage_changes_amount_check', `amount >= 0`)
export class DealStageChangeEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'BY DEFAULT',
    primaryKeyConstraintName: 'deal_stage_changes_pkey',
  })
  id: string;
  @Column('bigint', { name: 'deal_id' }) dealId: string;
  @ManyToOne(() => DealEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'deal_id', foreignKeyConstraintName: 'deal_stage_changes_deal_id_fkey' })
  deal?: DealEntity;
  @Column('text', { name: 'to_stage' }) toStage: string;
  @ManyToOne(() => PipelineStageEntity, { nullable: false })
  @JoinColumn({ name: 'to_stage', foreignKeyConstraintName: 'deal_stage_changes_to_stage_fkey' })
  stage?: PipelineStageEntity;
  @Column('numeric', { precision: 18, scale: 2, nullable: true }) amount: string | null;
  @Column('text', { nullable: true }) reason: string | null;
  @Column('timestamptz', { name: 'occurred_at' }) occurredAt: Date;
  @Column('timestamptz', { name: 'recorded_at', default: () => 'now()' }) recordedAt: Date;
  @Column('text', { nullable: true }) actor: string | null;
}

/** Derived: first entry and reach (skipped stages inferred) of each pipeline stage, per deal. */
@Entity({ name: 'deal_stage_reaches' })
@Index('deal_stage_reaches_stage_key_reached_at_idx', ['stageKey', 'reachedAt'])
export class DealStageReachEntity {
  @PrimaryColumn('bigint', { name: 'deal_id', primaryKeyConstraintName: 'deal_stage_reaches_pkey' }) dealId: string;
  @PrimaryColumn('text', { name: 'stage_key', primaryKeyConstraintName: 'deal_stage_reaches_pkey' }) stageKey: string;
  @ManyToOne(() => DealEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'deal_id', foreignKeyConstraintName: 'deal_stage_reaches_deal_id_fkey' })
  deal?: DealEntity;
  @ManyToOne(() => PipelineStageEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'stage_key', foreignKeyConstraintName: 'deal_stage_reaches_stage_key_fkey' })
  stage?: PipelineStageEntity;
  @Column('timestamptz', { name: 'first_entered_at', nullable: true }) firstEnteredAt: Date | null;
  @Column('timestamptz', { name: 'reached_at' }) reachedAt: Date;
}
