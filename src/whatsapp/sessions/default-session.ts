/** The session that always exists (created at boot, never deleted), which the seed-compatible routes use. */
export const DEFAULT_SESSION = 'default';
