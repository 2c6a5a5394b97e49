import { Check, Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

@Entity({ name: 'users' })
@Unique('users_email_key', ['email'])
@Check('users_email_lower_check', `email = lower(email)`)
@Check('users_role_check', `role IN ('ADMIN','REVOPS','MARKETING','SALES','ANALYST','SERVICE')`)
export class UserEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'BY DEFAULT',
    primaryKeyConstraintName: 'users_pkey',
  })
  id: string;
  @Column('text') email: string;
  @Column('text', { nullable: true }) name: string | null;
  @Column('text') role: string;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' }) updatedAt: Date;
  @Column('integer', { default: 1 }) version: number;
}
