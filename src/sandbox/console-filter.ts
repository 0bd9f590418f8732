/**
 * libsignal logs whole session objects ("Closing session: SessionEntry {...}") with console.info/warn, private
 * keys included. The sandbox runs libsignal for every simulated contact, so those lines are dropped unless
 * VERBOSE is set. Only messages starting with libsignal's known prefixes are filtered.
 */
const LIBSIGNAL_PREFIXES = [
  'Closing session',
  'Opening session',
  'Removing old closed session',
  'Closing open session in favor of incoming prekey bundle',
  'Closing stale open session',
  'Session already closed',
  'Session already open',
  'Migrating session to',
  'Decrypted message with closed session',
];

let installed = false;

export function silenceLibsignalLogs(): void {
  if (installed || process.env.VERBOSE) return;
  installed = true;
  for (const method of ['info', 'log', 'warn', 'error'] as const) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      const first = args[0];
      if (typeof first === 'string' && LIBSIGNAL_PREFIXES.some((p) => first.startsWith(p))) return;
      original(...args);
    };
  }
}
