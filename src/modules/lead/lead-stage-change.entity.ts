import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { LeadEntity } from './lead.entity';

/** Append-only log of a lead's hand-off events (its LEAD entry included). */
@Entity({ name: 'lead_stage_changes' })
@Unique('lead_stage_changes_lead_id_event_occurred_at_key', ['leadId', 'event', 'occurredAt'])
@Check('lead_stage_changes_event_check', `event IN ('LEAD','MQL','SAL','SQL','REJECTED','RECYCLED','DISQUALIFIED')`)
@Check(
  'lead_stage_changes_reason_check',
  `reason IN ('BAD_FIT','NO_BUDGET','NO_AUTHORITY','NO_NEED','TIMING','NO_RESPONSE','DUPLICATE','COMPETITOR','OTHER')`,
)
@Index('lead_stage_changes_auto_mql_idx', ['leadId', 'occurredAt'], { where: 'qualification_version IS NOT NULL' })
export class LeadStageChangeEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'BY DEFAULT',
    primaryKeyConstraintName: 'lead_stage_changes_pkey',
  })
  id: string;
  @Column('bigint', { name: 'lead_id' }) leadId: string;
  @ManyToOne(() => LeadEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'lead_id', foreignKeyConstraintName: 'lead_stage_changes_lead_id_fkey' })
  lead?: LeadEntity;
  @Column('text') event: string;
  @Column('text', { nullable: true }) reason: string | null;
  @Column('text', { nullable: true }) note: string | null;
  @Column('timestamptz', { name: 'occurred_at' }) occurredAt: Date;
  @Column('timestamptz', { name: 'recorded_at', default: () => 'now()' }) recordedAt: Date;
  @Column('text', { nullable: true }) actor: string | null;
  /** The qualification definition version that recorded this MQL automatically (null: manual). */
  @Column('integer', { name: 'qualification_version', nullable: true }) qualificationVersion: number | null;
}
