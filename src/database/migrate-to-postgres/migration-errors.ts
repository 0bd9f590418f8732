/** The migration will not run (the source or the target is not fit); no data was written. Exit code 1. */
export class MigrationRefused extends Error {}

/** The copy's row counts differ from the source's: the transaction is rolled back. Exit code 1. */
export class CountMismatch extends Error {}
