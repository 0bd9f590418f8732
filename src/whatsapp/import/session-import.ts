import 'reflect-metadata';
import { openConfiguredDatabase } from '../../database/open-database';
import { AppConfig } from '../../config/app-config';
import { run } from '../../database/sql/sql';
import { restrictNewFiles } from '../../database/private-files';
import { cipherFromConfig } from '../../secrets/config-cipher';
import { SqlAuthStateStore } from '../auth-state/sql-auth-state.store';
import { importAuthFolder } from '../engine/baileys/auth-folder-import';
import { SESSION_ID_PATTERN } from '../dto/session.dto';
import { sqlDatabaseFor } from '../../database/sql/database-for';

export interface ImportOptions {
  from: string;
  session: string;
  config: AppConfig;
}

/**
 * Copies a Baileys multi-file auth folder (the original gateway's `auth_info_baileys/`) into the database as
 * session `session`, so the account stays linked without a new scan. Run it while the gateway is stopped; the
 * session connects at the next start.
 */
export async function importSessionFolder({
  from,
  session,
  config,
}: ImportOptions): Promise<{ phone: string | null }> {
  if (!SESSION_ID_PATTERN.test(session)) throw new Error('session must be 1-64 letters, digits, "-" or "_"');
  restrictNewFiles();
  const ds = await openConfiguredDatabase(config);
  try {
    const identity = await importAuthFolder(
      from,
      new SqlAuthStateStore(sqlDatabaseFor(ds), session, cipherFromConfig(config)),
    );
    const now = Date.now();
    await sqlDatabaseFor(ds).write(() =>
      run(
        `INSERT INTO sessions (id, status, reason, phone, name, lid, created_at, updated_at)
         VALUES (?, 'disconnected', NULL, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET phone = excluded.phone, name = excluded.name, lid = excluded.lid,
           status = 'disconnected', reason = NULL, updated_at = excluded.updated_at`,
        [session, identity?.phone ?? null, identity?.name ?? null, identity?.lid ?? null, now, now],
      ),
    );
    return { phone: identity?.phone ?? null };
  } finally {
    await ds.destroy();
  }
}
