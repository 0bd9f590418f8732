import { Browsers, makeWASocket, useMultiFileAuthState, type WASocket } from '@whiskeysockets/baileys';
import pino from 'pino';
import type { WhatsAppSandbox } from '../../src/sandbox/whatsapp-sandbox';
import { PINNED_VERSION } from './baileys-test-client';

/**
 * Produces an `auth_info_baileys/` folder the way the original gateway did (Baileys' own multi-file store,
 * used here only to create the legacy input), linked to a new sandbox account. Returns that account's phone.
 */
export async function linkWithMultiFileAuth(sandbox: WhatsAppSandbox, folder: string): Promise<string> {
  let phone = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const { state, saveCreds } = await useMultiFileAuthState(folder);
    const sock: WASocket = makeWASocket({
      waWebSocketUrl: sandbox.wsUrl,
      auth: state,
      logger: pino({ level: 'silent' }),
      version: PINNED_VERSION,
      browser: Browsers.macOS('Chrome'),
      markOnlineOnConnect: false,
      syncFullHistory: false,
    });
    sock.ev.on('creds.update', saveCreds);
    const outcome = await new Promise<'open' | 'restart'>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('legacy client did not link in time')), 20_000);
      sock.ev.on('connection.update', (u) => {
        if (u.qr) void sandbox.scanQr(u.qr).then((l) => (phone = l.phone), reject);
        if (u.connection === 'open') {
          clearTimeout(timer);
          resolve('open');
        }
        if (u.connection === 'close') {
          clearTimeout(timer);
          resolve('restart');
        }
      });
    });
    if (outcome === 'open') {
      await saveCreds();
      const closed = new Promise<void>((r) =>
        sock.ev.on('connection.update', (u) => u.connection === 'close' && r()),
      );
      sock.end(undefined);
      await closed;
      return phone || (state.creds.me?.id ?? '').split(':')[0];
    }
  }
  throw new Error('legacy client never opened');
}
