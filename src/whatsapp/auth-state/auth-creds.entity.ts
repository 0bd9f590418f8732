import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A session's engine credentials (serialised by the engine). */
@Entity('auth_creds')
export class AuthCredsEntity {
  @PrimaryColumn({ name: 'session_id', type: 'text' })
  sessionId: string;

  @Column({ type: 'text' })
  value: string;

  @Column({ name: 'updated_at', type: 'integer' })
  updatedAt: number;
}
