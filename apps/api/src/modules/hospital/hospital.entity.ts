import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { HospitalStatus } from '@cruciate/contracts';

@Entity({ name: 'hospital' })
export class HospitalEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  slug!: string;

  @Column({ type: 'text' })
  status!: HospitalStatus;

  @Column({ type: 'text', name: 'ae_title', nullable: true })
  aeTitle!: string | null;

  @Column({ type: 'text', name: 'allowed_calling_aes', array: true, nullable: true })
  allowedCallingAes!: string[] | null;

  @Column({ type: 'uuid', name: 'active_model_version_id', nullable: true })
  activeModelVersionId!: string | null;

  @Column({ type: 'timestamptz', name: 'created_at', insert: false, update: false })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'updated_at', insert: false })
  updatedAt!: Date;
}
