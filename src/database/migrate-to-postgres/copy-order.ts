/** A table of the source and the tables its foreign keys reference. */
export interface TableReferences {
  name: string;
  references: readonly string[];
}

/**
 * The order to copy tables in: every table after the tables its foreign keys reference (so each inserted row
 * finds its parent), else by name; the tables of `last` at the end, in that order. Throws on a reference cycle,
 * which our schema does not have.
 */
export function copyOrder(tables: readonly TableReferences[], last: readonly string[] = []): string[] {
  const names = new Set(tables.map((t) => t.name));
  const pending = new Map(
    tables
      .filter((t) => !last.includes(t.name))
      .map((t) => [t.name, t.references.filter((r) => r !== t.name && names.has(r))]),
  );
  const order: string[] = [];
  while (pending.size) {
    const ready = [...pending]
      .filter(([, refs]) => refs.every((r) => !pending.has(r)))
      .map(([name]) => name)
      .sort();
    if (!ready.length) throw new Error(`Foreign keys form a cycle among: ${[...pending.keys()].join(', ')}`);
    for (const name of ready) {
      order.push(name);
      pending.delete(name);
    }
  }
  return [...order, ...last.filter((name) => names.has(name))];
}
