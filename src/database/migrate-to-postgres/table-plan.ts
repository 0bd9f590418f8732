/** A table of the SQLite source: its columns (PRAGMA table_info order) and its primary key. */
export interface SourceTable {
  name: string;
  columns: readonly string[];
  /** The primary key's columns in key order; `rowid` for a table without one. */
  key: readonly string[];
}

/** A column of the PostgreSQL target (information_schema.columns). */
export interface TargetColumn {
  name: string;
  dataType: string;
  /** An identity column (or a serial): its sequence is moved past the copied values. */
  identity: boolean;
}

/** How one table is copied: the columns both sides have, by name, in the source's order. */
export interface TablePlan {
  table: string;
  columns: string[];
  /** Columns that are booleans in PostgreSQL (SQLite stores 0/1). */
  booleans: string[];
  /** The source's keyset for paging (its primary key, or rowid). */
  key: string[];
  /** Identity columns among `columns`. */
  identity: string[];
}

/**
 * The plan for one table, or the reasons it cannot be copied: a table or column the target lacks would lose
 * data (the target's schema is older than the source's). Columns only the target has keep their defaults.
 */
export function planTable(
  source: SourceTable,
  target: readonly TargetColumn[] | undefined,
): { plan: TablePlan } | { problem: string } {
  if (!target?.length) return { problem: `table ${source.name} does not exist in the target` };
  const byName = new Map(target.map((c) => [c.name, c]));
  const missing = source.columns.filter((c) => !byName.has(c));
  if (missing.length) {
    return { problem: `the target's ${source.name} has no column ${missing.join(', ')}` };
  }
  const columns = [...source.columns];
  return {
    plan: {
      table: source.name,
      columns,
      booleans: columns.filter((c) => byName.get(c)!.dataType === 'boolean'),
      key: [...source.key],
      identity: columns.filter((c) => byName.get(c)!.identity),
    },
  };
}

/** A source row as PostgreSQL parameters, in the plan's column order: 0/1 in a boolean column becomes a boolean. */
export function toTargetValues(row: Record<string, unknown>, plan: TablePlan): unknown[] {
  return plan.columns.map((column) => {
    const value = row[column];
    if (plan.booleans.includes(column) && typeof value === 'number') return value !== 0;
    return value;
  });
}
