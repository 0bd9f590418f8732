import { DataSource, QueryRunner } from 'typeorm';
import type { PostgresSettings } from '../../config/database-settings';
import { describeDatabaseError } from '../postgres/describe-database-error';
import { CLUSTER_STATE_TABLES, POSTGRES_ONLY_TABLES } from '../postgres/migrations';
import { migrateUnderLock, postgresDataSourceOptions } from '../postgres/postgres-options';
import { copyOrder } from './copy-order';
import { CountMismatch, MigrationRefused } from './migration-errors';
import { quote, SqliteSource } from './sqlite-source';
import { planTable, TablePlan, TargetColumn, toTargetValues } from './table-plan';

/**
 * The rollups the PostgreSQL triggers keep from `messages`, `webhook_deliveries` and `webhook_attempts` (and
 * `chats`, whose counts and newest message the triggers keep from `messages`). Copying
 * those tables fires the triggers, which count every copied row into the rollups. The rollups are therefore
 * copied last: each is emptied first (in the same transaction), then gets SQLite's rows as they are. This needs
 * no privilege beyond owning the tables (`SET session_replication_role = replica` would skip the triggers but
 * needs a superuser, which managed PostgreSQL services do not give). The count check at the end would catch a
 * rollup added later and missing here: the copy would then roll back rather than keep doubled counts.
 */
export const ROLLUP_TABLES = ['message_stats', 'webhook_delivery_stats', 'webhook_attempt_stats', 'chats'];

/**
 * Rows the PostgreSQL migrations write themselves (the seed's auto-reply rule): a target holding only these is
 * empty, so a run that failed (its copy rolled back, the migrations kept) can be repeated. The source's rows
 * replace them.
 */
const SEEDED = new Map([['auto_reply_rules', `id = 'rule_default_ping'`]]);

/** PostgreSQL's limit is 65535 parameters per statement. */
const MAX_PARAMS = 60_000;

export interface TableCount {
  table: string;
  source: number;
  copied: number;
}

export interface MigrateToPostgresOptions {
  /** The SQLite file. */
  from: string;
  /** The target (url, TLS). */
  to: Pick<PostgresSettings, 'url' | 'ssl'>;
  /** Where the URL came from, for error messages. */
  toName?: string;
  /** Rows read from SQLite per page. */
  batchSize?: number;
  /** Told once the target is migrated: how many migrations ran. */
  onMigrated?: (migrations: number) => void;
}

/**
 * Copies a gateway's SQLite database into an empty PostgreSQL database: migrates the target first, refuses it
 * if it holds any row, then copies every table in one transaction (all or nothing), values as stored (encrypted
 * secrets stay encrypted with the same data key), identity values kept and their sequences moved past them.
 * Throws MigrationRefused when the source or target is not fit, an Error (password hidden) otherwise.
 */
export async function migrateToPostgres(options: MigrateToPostgresOptions): Promise<TableCount[]> {
  const { from, to, toName = 'DATABASE_URL', batchSize = 1000 } = options;
  const source = SqliteSource.open(from);
  let dataSource: DataSource | undefined;
  try {
    try {
      // Two connections: migrateUnderLock holds its lock on one while the migrations run on the other.
      dataSource = await new DataSource(postgresDataSourceOptions({ ...to, poolSize: 2 })).initialize();
      const migrated = await migrateUnderLock(dataSource);
      options.onMigrated?.(migrated.length);
    } catch (err) {
      throw new Error(describeDatabaseError(err, to.url, toName));
    }
    const runner = dataSource.createQueryRunner();
    try {
      await runner.connect();
      await runner.startTransaction();
      const counts = await copyAll(source, runner, batchSize);
      await runner.commitTransaction();
      return counts;
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      if (err instanceof MigrationRefused || err instanceof CountMismatch) throw err;
      throw new Error(describeDatabaseError(err, to.url, toName));
    } finally {
      await runner.release();
    }
  } finally {
    source.close();
    await dataSource?.destroy().catch(() => undefined);
  }
}

/** Inside the target's transaction: checks it is empty, copies every table, checks the counts, moves sequences. */
async function copyAll(source: SqliteSource, runner: QueryRunner, batchSize: number): Promise<TableCount[]> {
  const target = await targetColumns(runner);
  const tables = source.tables().filter((t) => !CLUSTER_STATE_TABLES.includes(t.name));
  const plans = new Map<string, TablePlan>();
  const problems: string[] = [];
  for (const table of tables) {
    const result = planTable(table, target.get(table.name));
    if ('problem' in result) problems.push(result.problem);
    else plans.set(table.name, result.plan);
  }
  if (problems.length) {
    throw new MigrationRefused(
      `The target's schema lacks what the source holds (${problems.join('; ')}): use the same version of the gateway for both`,
    );
  }

  // No gateway may write meanwhile: the tables stay locked until the commit.
  const ours = [...target.keys()];
  await runner.query(`LOCK TABLE ${ours.map(quote).join(', ')} IN EXCLUSIVE MODE`);
  const held: string[] = [];
  for (const table of ours) {
    const seeded = SEEDED.get(table);
    const [{ n }] = await runner.query(
      `SELECT COUNT(*) AS n FROM ${quote(table)}${seeded ? ` WHERE NOT (${seeded})` : ''}`,
    );
    if (Number(n) > 0) held.push(`${table}: ${n} row(s)`);
  }
  if (held.length) {
    throw new MigrationRefused(
      `The target database is not empty (${held.join(', ')}): migrate into a new, empty database`,
    );
  }

  const counts: TableCount[] = [];
  for (const name of copyOrder(tables, ROLLUP_TABLES)) {
    const plan = plans.get(name)!;
    // Empty but for the seed's rule, or, for a rollup, what the triggers counted for the rows just copied.
    await runner.query(`DELETE FROM ${quote(name)}`);
    for (const page of source.pages(plan, batchSize)) await insert(runner, plan, page);
    counts.push({ table: name, source: source.count(name), copied: 0 });
  }
  for (const count of counts) {
    const [{ n }] = await runner.query(`SELECT COUNT(*) AS n FROM ${quote(count.table)}`);
    count.copied = Number(n);
  }
  const wrong = counts.filter((c) => c.copied !== c.source);
  if (wrong.length) {
    throw new CountMismatch(
      `Row counts differ after the copy (${wrong.map((c) => `${c.table}: ${c.source} in the source, ${c.copied} copied`).join('; ')})`,
    );
  }
  for (const plan of plans.values()) {
    for (const column of plan.identity)
      await moveSequence(runner, plan.table, column, source.autoincrement(plan.table));
  }
  return counts;
}

/**
 * The target's columns per table (the tables of its current schema; TypeORM's own, POSTGRES_ONLY_TABLES and
 * CLUSTER_STATE_TABLES left out).
 */
async function targetColumns(runner: QueryRunner): Promise<Map<string, TargetColumn[]>> {
  const rows: { table_name: string; column_name: string; data_type: string; identity: boolean }[] =
    await runner.query(
      `SELECT c.table_name, c.column_name, c.data_type,
        (c.is_identity = 'YES' OR c.column_default LIKE 'nextval(%') AS identity
      FROM information_schema.columns c
      JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
        AND c.table_name NOT IN ('migrations', 'typeorm_metadata') AND c.table_name <> ALL($1)
      ORDER BY c.table_name, c.ordinal_position`,
      [[...POSTGRES_ONLY_TABLES, ...CLUSTER_STATE_TABLES]],
    );
  const tables = new Map<string, TargetColumn[]>();
  for (const r of rows) {
    const columns = tables.get(r.table_name) ?? [];
    columns.push({ name: r.column_name, dataType: r.data_type, identity: r.identity });
    tables.set(r.table_name, columns);
  }
  return tables;
}

/** One page of rows, in as few INSERTs as the parameter limit allows; identity values as given. */
async function insert(runner: QueryRunner, plan: TablePlan, rows: Record<string, unknown>[]): Promise<void> {
  const perInsert = Math.max(1, Math.floor(MAX_PARAMS / plan.columns.length));
  const columns = plan.columns.map(quote).join(', ');
  const overriding = plan.identity.length ? ' OVERRIDING SYSTEM VALUE' : '';
  for (let i = 0; i < rows.length; i += perInsert) {
    const chunk = rows.slice(i, i + perInsert);
    const params: unknown[] = [];
    const values = chunk.map((row) => {
      const first = params.length;
      params.push(...toTargetValues(row, plan));
      return `(${plan.columns.map((_, j) => `$${first + j + 1}`).join(', ')})`;
    });
    await runner.query(
      `INSERT INTO ${quote(plan.table)} (${columns})${overriding} VALUES ${values.join(', ')}`,
      params,
    );
  }
}

/**
 * The column's sequence continues after the highest value copied, or after the highest SQLite's AUTOINCREMENT
 * ever gave (rows deleted since included), so no value is handed out twice.
 */
async function moveSequence(
  runner: QueryRunner,
  table: string,
  column: string,
  autoincrement: number,
): Promise<void> {
  const [{ max }] = await runner.query(`SELECT MAX(${quote(column)}) AS max FROM ${quote(table)}`);
  const last = Math.max(Number(max ?? 0), autoincrement);
  await runner.query(`SELECT setval(pg_get_serial_sequence($1, $2), $3, $4)`, [
    quote(table),
    column,
    Math.max(last, 1),
    last > 0,
  ]);
}
