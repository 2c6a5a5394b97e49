import { Check, Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

@Entity({ name: 'accounts' })
@Unique('accounts_external_id_key', ['externalId'])
@Index('accounts_created_at_id_idx', ['createdAt', 'id'])
@Check('accounts_employees_check', `employees >= 0`)
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
  @Column('integer', { default: 1 }) version: number;
}
