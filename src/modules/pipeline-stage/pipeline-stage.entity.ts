import { Check, Column, Entity, PrimaryColumn, Unique } from 'typeorm';

/** Pipeline stages are data (definitions.md section 3); the defaults are seeded by the first migration. */
@Entity({ name: 'pipeline_stages' })
@Unique('pipeline_stages_position_key', ['position'])
@Check('pipeline_stages_category_check', `category IN ('OPEN','WON','LOST')`)
@Check('pipeline_stages_probability_check', `probability >= 0 AND probability <= 1`)
export class PipelineStageEntity {
  @PrimaryColumn('text', { primaryKeyConstraintName: 'pipeline_stages_pkey' }) key: string;
  @Column('text') label: string;
  @Column('integer') position: number;
  @Column('text') category: string;
  @Column('numeric', { precision: 5, scale: 4 }) probability: string;
}
