import type { CloseInfo } from '../engine.types';

/**
 * How a failed network path reads, from the socket error Baileys wraps as "WebSocket Error (...)": from the
 * error code on (`connect ECONNREFUSED 127.0.0.1:1` -> `ECONNREFUSED 127.0.0.1:1`, `getaddrinfo ENOTFOUND
 * web.whatsapp.com` -> `ENOTFOUND web.whatsapp.com`), else the message itself.
 */
function networkCause(error: any, message: string): string | null {
  const cause = error?.data;
  const wrapped = /^WebSocket Error \((.*)\)$/s.exec(message)?.[1];
  if (wrapped === undefined && !/^E[A-Z0-9_]+$/.test(String(cause?.code ?? ''))) return null;
  const text = String(cause?.message ?? wrapped ?? cause?.code);
  return /\b(E[A-Z0-9_]{3,}\b.*)$/s.exec(text)?.[1] ?? (text || 'network error');
}

/**
 * Maps Baileys' close error (a Boom with a status code, see BAILEYS.md §1) to what the session lifecycle must
 * do. 401/403 mean the device is gone; 440 means another client took the account (never fight it); 515 is the
 * normal restart after pairing; 408 "QR refs attempts ended" means nobody scanned; 405 at login means WhatsApp
 * refuses the client's version. A socket error (Baileys: "WebSocket Error (...)", whatever code it derived from
 * it) means WhatsApp could not be reached, never that the account is gone.
 */
export function classifyClose(error: unknown, intentional: boolean): CloseInfo {
  const code: number | null = (error as any)?.output?.statusCode ?? null;
  const message = String((error as any)?.message ?? 'connection closed');
  if (intentional) return { kind: 'stopped', code, message };
  const unreachable = networkCause(error, message);
  if (unreachable) return { kind: 'unreachable', code, message: unreachable };
  switch (code) {
    case 515:
      return { kind: 'restart_required', code, message };
    case 401:
    case 403:
    case 411:
      return { kind: 'logged_out', code, message };
    case 440:
      return { kind: 'connection_replaced', code, message };
    case 402:
      return { kind: 'banned', code, message };
    case 405:
      return { kind: 'client_outdated', code, message };
    case 408:
      if (/QR refs attempts ended/i.test(message)) return { kind: 'qr_expired', code, message };
      return { kind: 'transient', code, message };
    default:
      return { kind: 'transient', code, message };
  }
}
