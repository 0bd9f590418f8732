import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min } from 'class-validator';
import { toInt, toOptionalString } from './env-transforms';
import { MediaConfig } from './media-config';

/**
 * Settings of a node of a cluster: gateway processes sharing one PostgreSQL database (`DATABASE_URL`), each
 * session owned by one node at a time through a lease. Ignored on SQLite. `AppConfig` extends this class.
 */
export class ClusterConfig extends MediaConfig {
  /** This node's id; unset: one generated at first start and kept in `<DATA_DIR>/node-id`. */
  @Transform(toOptionalString)
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, {
    message: 'NODE_ID must be 1-63 letters, digits, ".", "_" or "-"',
  })
  NODE_ID?: string;

  /** The URL other nodes reach this one at (calls that need the session's live connection are forwarded there). */
  @Transform(toOptionalString)
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  NODE_URL?: string;

  /** Sessions this node owns at most. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  NODE_MAX_SESSIONS = 1000;

  /** How long a session's lease lasts without a renewal (ms). */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  CLUSTER_LEASE_MS = 30_000;

  /** How often a node renews its leases and heartbeat (ms); well under CLUSTER_LEASE_MS. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  CLUSTER_RENEW_MS = 10_000;

  /** How often a node looks for sessions without a live owner to claim (ms). */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  CLUSTER_PLACEMENT_MS = 3_000;
}
