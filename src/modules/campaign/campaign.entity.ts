import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { CHANNEL_CHECK } from '../../common/graphql/enums';

@Entity({ name: 'campaigns' })
@Unique('campaigns_external_id_key', ['externalId'])
@Index('campaigns_created_at_id_idx', ['createdAt', 'id'])
@Check('campaigns_channel_check', `channel IN (${CHANNEL_CHECK})`)
@Check('campaigns_budget_check', `budget >= 0`)
@Index('campaigns_search_idx', { synchronize: false }) // pg_trgm GIN on an expression (migration ListsAndLifecycle)
@Index('campaigns_updated_at_id_idx', ['updatedAt', 'id'])
@Index('campaigns_archived_at_idx', ['archivedAt'], { where: 'archived_at IS NOT NULL' })
@Check('campaigns_merged_archived_check', 'merged_into_id IS NULL OR archived_at IS NOT NULL')
export class CampaignEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'BY DEFAULT',
    primaryKeyConstraintName: 'campaigns_pkey',
  })
  id: string;
  @Column('text', { name: 'external_id', nullable: true }) externalId: string | null;
  @Column('text') name: string;
  @Column('text') channel: string;
  @Column('timestamptz', { name: 'starts_at', nullable: true }) startsAt: Date | null;
  @Column('timestamptz', { name: 'ends_at', nullable: true }) endsAt: Date | null;
  @Column('numeric', { precision: 18, scale: 2, nullable: true }) budget: string | null;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' }) updatedAt: Date;
  @Column('timestamptz', { name: 'archived_at', nullable: true }) archivedAt: Date | null;
  @Column('bigint', { name: 'merged_into_id', nullable: true }) mergedIntoId: string | null;
  @ManyToOne(() => CampaignEntity)
  @JoinColumn({ name: 'merged_into_id', foreignKeyConstraintName: 'campaigns_merged_into_id_fkey' })
  mergedInto?: CampaignEntity;
  @Column('integer', { default: 1 }) version: number;
}

@Entity({ name: 'campaign_spend' })
@Unique('campaign_spend_campaign_id_day_key', ['campaignId', 'day'])
@Index('campaign_spend_day_idx', ['day'])
@Check('campaign_spend_amount_check', `amount >= 0`)
export class CampaignSpendEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'BY DEFAULT',
    primaryKeyConstraintName: 'campaign_spend_pkey',
  })
  id: string;
  @Column('bigint', { name: 'campaign_id' }) campaignId: string;
  @ManyToOne(() => CampaignEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'campaign_id', foreignKeyConstraintName: 'campaign_spend_campaign_id_fkey' })
  campaign?: CampaignEntity;
  @Column('date') day: string;
  @Column('numeric', { precision: 18, scale: 2 }) amount: string;
  @Column('timestamptz', { name: 'recorded_at', default: () => 'now()' }) recordedAt: Date;
}
