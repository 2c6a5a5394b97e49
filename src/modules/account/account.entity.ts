import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';

@Entity({ name: 'accounts' })
@Unique('accounts_external_id_key', ['externalId'])
@Index('accounts_created_at_id_idx', ['createdAt', 'id'])
@Check('accounts_employees_check', `employees >= 0`)
@Index('accounts_search_idx', { synchronize: false }) // pg_trgm GIN on an expression (migration ListsAndLifecycle)
@Index('accounts_updated_at_id_idx', ['updatedAt', 'id'])
@Index('accounts_archived_at_idx', ['archivedAt'], { where: 'archived_at IS NOT NULL' })
@Check('accounts_merged_archived_check', 'merged_into_id IS NULL OR archived_at IS NOT NULL')
export class AccountEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'BY DEFAULT',
    primaryKeyConstraintName: 'accounts_pkey',
  })
  id: string;
  @Column('text', { name: 'external_id', nullable: true }) externalId: string | null;
  @Column('text') name: string;
  @Column('text', { nullable: true }) domain: string | null;
  @Column('text', { nullable: true }) industry: string | null;
  @Column('text', { nullable: true }) region: string | null;
  @Column('integer', { nullable: true }) employees: number | null;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt: Date;
  @Column('timestamptz', { name: 'recorded_at', default: () => 'now()' }) recordedAt: Date;
  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' }) updatedAt: Date;
  @Column('timestamptz', { name: 'archived_at', nullable: true }) archivedAt: Date | null;
  @Column('bigint', { name: 'merged_into_id', nullable: true }) mergedIntoId: string | null;
  @ManyToOne(() => AccountEntity)
  @JoinColumn({ name: 'merged_into_id', foreignKeyConstraintName: 'accounts_merged_into_id_fkey' })
  mergedInto?: AccountEntity;
  @Column('integer', { default: 1 }) version: number;
}
