import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { CampaignEntity } from '../campaign/campaign.entity';
import { LeadEntity } from '../lead/lead.entity';

/** A lead's touch on a campaign. `channel` is the campaign's, kept in step when the campaign changes. */
@Entity({ name: 'touchpoints' })
@Unique('touchpoints_external_id_key', ['externalId'])
@Index('touchpoints_lead_id_occurred_at_idx', ['leadId', 'occurredAt', 'id'])
@Index('touchpoints_campaign_id_idx', ['campaignId'])
@Index('touchpoints_occurred_at_id_idx', ['occurredAt', 'id'])
@Index('touchpoints_recorded_at_id_idx', ['recordedAt', 'id'])
@Check(
  'touchpoints_type_check',
  `type IN ('AD_CLICK','EMAIL_CLICK','FORM_SUBMISSION','CONTENT_DOWNLOAD','WEBINAR_ATTENDED','EVENT_ATTENDED','WEB_VISIT','MEETING','SALES_CALL','OTHER')`,
)
export class TouchpointEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'BY DEFAULT',
    primaryKeyConstraintName: 'touchpoints_pkey',
  })
  id: string;
  @Column('text', { name: 'external_id', nullable: true }) externalId: string | null;
  @Column('bigint', { name: 'lead_id' }) leadId: string;
  @ManyToOne(() => LeadEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'lead_id', foreignKeyConstraintName: 'touchpoints_lead_id_fkey' })
  lead?: LeadEntity;
  @Column('bigint', { name: 'campaign_id' }) campaignId: string;
  @ManyToOne(() => CampaignEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'campaign_id', foreignKeyConstraintName: 'touchpoints_campaign_id_fkey' })
  campaign?: CampaignEntity;
  @Column('text') channel: string;
  @Column('text') type: string;
  @Column('timestamptz', { name: 'occurred_at' }) occurredAt: Date;
  @Column('timestamptz', { name: 'recorded_at', default: () => 'now()' }) recordedAt: Date;
}
