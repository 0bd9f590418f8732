import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One Signal key of a session (pre-key, session, sender-key, app-state-sync-key, lid-mapping, ...). */
@Entity('auth_keys')
export class AuthKeyEntity {
  @PrimaryColumn({ name: 'session_id', type: 'text' })
  sessionId: string;

  @PrimaryColumn({ type: 'text' })
  type: string;

  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'text' })
  value: string;
}
