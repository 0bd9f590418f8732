/** Every TypeORM entity of the application, listed explicitly (no globs: the CLI, Jest and the build agree). */
export const ENTITIES: (new (...args: any[]) => unknown)[] = [];
