/** Every migration, oldest first. */
export const MIGRATIONS: (new (...args: any[]) => unknown)[] = [];
