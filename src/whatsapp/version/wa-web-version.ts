import type { WaVersion } from '../engine/engine.types';

/** `2.3000.1023456789` -> [2, 3000, 1023456789]; null for anything else. */
export function parseWaVersion(text: string): WaVersion | null {
  const m = /^(\d{1,4})\.(\d{1,6})\.(\d{1,12})$/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

export const formatWaVersion = (v: WaVersion): string => v.join('.');

/**
 * The current version from WhatsApp Web's service worker script (`sw.js`), which names its `client_revision`
 * (the way Baileys' fetchLatestWaWebVersion reads it); null when the script does not say.
 */
export function versionFromServiceWorker(script: string): WaVersion | null {
  const m = /\\?"client_revision\\?":\s*(\d+)/.exec(script);
  return m ? [2, 3000, Number(m[1])] : null;
}
