/**
 * libsignal prints session objects, private keys included, with console.info/warn ("Closing session:",
 * "Opening session:", ...). Those lines must never reach a log, so they are dropped unless verbose logging is
 * explicitly on. Installed once per process (by the Baileys engine and by the sandbox, both of which run
 * libsignal); everything else, decryption errors included, passes through untouched.
 */
const SIGNAL_NOISE = [
  'Closing session',
  'Opening session',
  'Removing old closed session',
  'Closing open session',
  'Closing stale open session',
  'Migrating session',
  'Session already closed',
  'Session already open',
  'Decrypted message with closed session',
];

let installed = false;

export function installSignalConsoleFilter(enabled = true): void {
  if (installed || !enabled) return;
  installed = true;
  for (const method of ['info', 'warn', 'error', 'log'] as const) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      const first = args[0];
      if (typeof first === 'string' && SIGNAL_NOISE.some((p) => first.startsWith(p))) return;
      original(...args);
    };
  }
}
