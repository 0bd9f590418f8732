import type { CloseInfo } from '../engine.types';

/**
 * Maps Baileys' close error (a Boom with a status code, see BAILEYS.md §1) to what the session lifecycle must
 * do. 401/403 mean the device is gone; 440 means another client took the account (never fight it); 515 is the
 * normal restart after pairing; 408 "QR refs attempts ended" means nobody scanned.
 */
export function classifyClose(error: unknown, intentional: boolean): CloseInfo {
  const code: number | null = (error as any)?.output?.statusCode ?? null;
  const message = String((error as any)?.message ?? 'connection closed');
  if (intentional) return { kind: 'stopped', code, message };
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
    case 408:
      if (/QR refs attempts ended/i.test(message)) return { kind: 'qr_expired', code, message };
      return { kind: 'transient', code, message };
    default:
      return { kind: 'transient', code, message };
  }
}
