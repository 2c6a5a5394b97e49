import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { CHANNEL_CHECK } from '../../common/graphql/enums';
import { AccountEntity } from '../account/account.entity';
import { UserEntity } from '../user/user.entity';

/** A lead. The columns after `version` are derived by refresh_leads() in the writing transaction. */
@Entity({ name: 'leads' })
@Unique('leads_external_id_key', ['externalId'])
@Index('leads_created_at_id_idx', ['createdAt', 'id'])
@Index('leads_account_id_idx', ['accountId'])
@Index('leads_owner_id_idx', ['ownerId'])
@Index('leads_first_mql_at_idx', ['firstMqlAt'])
@Index('leads_first_sal_at_idx', ['firstSalAt'])
@Index('leads_first_sql_at_idx', ['firstSqlAt'])
@Index('leads_first_opportunity_at_idx', ['firstOpportunityAt'])
@Index('leads_first_customer_at_idx', ['firstCustomerAt'])
@Check('leads_source_check', `source IN (${CHANNEL_CHECK})`)
@Check('leads_stage_check', `stage IN ('LEAD','MQL','SAL','SQL','OPPORTUNITY','CUSTOMER')`)
@Check('leads_status_check', `status IN ('OPEN','REJECTED','DISQUALIFIED')`)
@Index('leads_search_personal_idx', { synchronize: false }) // pg_trgm GIN on an expression (migration ListsAndLifecycle)
@Index('leads_search_key_idx', { synchronize: false }) // pg_trgm GIN on an expression (migration ListsAndLifecycle)
@Index('leads_updated_at_id_idx', ['updatedAt', 'id'])
@Index('leads_archived_at_idx', ['archivedAt'], { where: 'archived_at IS NOT NULL' })
@Check('leads_merged_archived_check', 'merged_into_id IS NULL OR archived_at IS NOT NULL')
export class LeadEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'BY DEFAULT',
    primaryKeyConstraintName: 'leads_pkey',
  })
  id: string;
  @Column('text', { name: 'external_id', nullable: true }) externalId: string | null;
  @Column('text', { nullable: true }) email: string | null;
  @Column('text', { name: 'first_name', nullable: true }) firstName: string | null;
  @Column('text', { name: 'last_name', nullable: true }) lastName: string | null;
  @Column('text', { nullable: true }) title: string | null;
  @Column('bigint', { name: 'account_id', nullable: true }) accountId: string | null;
  @ManyToOne(() => AccountEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'account_id', foreignKeyConstraintName: 'leads_account_id_fkey' })
  account?: AccountEntity;
  @Column('bigint', { name: 'owner_id', nullable: true }) ownerId: string | null;
  @ManyToOne(() => UserEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'owner_id', foreignKeyConstraintName: 'leads_owner_id_fkey' })
  owner?: UserEntity;
  @Column('text', { nullable: true }) source: string | null;
  @Column('integer', { nullable: true }) score: number | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'recorded_at', default: () => 'now()' }) recordedAt: Date;
  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' }) updatedAt: Date;
  @Column('timestamptz', { name: 'archived_at', nullable: true }) archivedAt: Date | null;
  @Column('bigint', { name: 'merged_into_id', nullable: true }) mergedIntoId: string | null;
  @ManyToOne(() => LeadEntity)
  @JoinColumn({ name: 'merged_into_id', foreignKeyConstraintName: 'leads_merged_into_id_fkey' })
  mergedInto?: LeadEntity;
  @Column('timestamptz', { name: 'personal_data_erased_at', nullable: true }) personalDataErasedAt: Date | null;
  @Column('integer', { default: 1 }) version: number;
  @Column('text', { default: 'LEAD' }) stage: string;
  @Column('text', { default: 'OPEN' }) status: string;
  @Column('text', { name: 'rejection_reason', nullable: true }) rejectionReason: string | null;
  @Column('timestamptz', { name: 'first_mql_at', nullable: true }) firstMqlAt: Date | null;
  @Column('timestamptz', { name: 'first_sal_at', nullable: true }) firstSalAt: Date | null;
  @Column('timestamptz', { name: 'first_sql_at', nullable: true }) firstSqlAt: Date | null;
  @Column('timestamptz', { name: 'first_opportunity_at', nullable: true }) firstOpportunityAt: Date | null;
  @Column('timestamptz', { name: 'first_customer_at', nullable: true }) firstCustomerAt: Date | null;
  @Column('timestamptz', { name: 'lead_at', nullable: true }) leadAt: Date | null;
  @Column('timestamptz', { name: 'mql_at', nullable: true }) mqlAt: Date | null;
  @Column('timestamptz', { name: 'sal_at', nullable: true }) salAt: Date | null;
  @Column('timestamptz', { name: 'sql_at', nullable: true }) sqlAt: Date | null;
  @Column('timestamptz', { name: 'opportunity_at', nullable: true }) opportunityAt: Date | null;
  @Column('timestamptz', { name: 'customer_at', nullable: true }) customerAt: Date | null;
}
