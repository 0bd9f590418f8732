/** The migration will not run (the source or the target is not fit); nothing was written. Exit code 1. */
export class MigrationRefused extends Error {}
