/** A database column holding secrets, and the columns that name its row (part of each value's context). */
export interface SecretColumn {
  table: string;
  column: string;
  rowKey: string[];
}

/**
 * Every column encrypted at rest when DATA_ENCRYPTION_KEY is set: the boot check and `keys:rotate` go through
 * this list, so a new secret column is added here too.
 */
export const SECRET_COLUMNS: readonly SecretColumn[] = [
  { table: 'auth_creds', column: 'value', rowKey: ['session_id'] },
  { table: 'auth_keys', column: 'value', rowKey: ['session_id', 'type', 'id'] },
  { table: 'webhook_endpoints', column: 'secret', rowKey: ['id'] },
  { table: 'webhook_endpoints', column: 'previous_secret', rowKey: ['id'] },
  { table: 'webhook_endpoints', column: 'headers', rowKey: ['id'] },
  { table: 'media_files', column: 'download', rowKey: ['message_id'] },
];
