import { Check, Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

@Entity({ name: 'kpi_targets' })
@Unique('kpi_targets_metric_period_key', ['metric', 'periodStart', 'periodEnd'])
@Index('kpi_targets_period_idx', ['periodStart', 'periodEnd'])
@Check('kpi_targets_period_check', `period_end > period_start`)
export class KpiTargetEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'BY DEFAULT',
    primaryKeyConstraintName: 'kpi_targets_pkey',
  })
  id: string;
  @Column('text') metric: string;
  @Column('timestamptz', { name: 'period_start' }) periodStart: Date;
  @Column('timestamptz', { name: 'period_end' }) periodEnd: Date;
  @Column('numeric', { precision: 20, scale: 6 }) target: string;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' }) updatedAt: Date;
}
