import { Injectable } from '@nestjs/common';
import makeWASocket, { Browsers, proto, WAMessage, WASocket } from '@whiskeysockets/baileys';
import pino from 'pino';
import type { AuthStateStore } from '../auth-state-store';
import type {
  AccountIdentity,
  ContactLookup,
  OutgoingContent,
  Receipt,
  ReceiptStatus,
  SendOptions,
} from '../engine.types';
import { ConnectOptions, EngineConnection, WhatsAppEngine } from '../whatsapp-engine';
import { importAuthFolder } from './auth-folder-import';
import { deserialize, loadCreds, makeAuthState, serialize } from './baileys-auth-state';
import { classifyClose } from './close-classifier';
import { toBaileysContent, toSendOptions } from './content-mapper';
import { BAILEYS_OPTIONS, BaileysOptions } from './baileys-options';
import { lidOf, normalizeJid, phoneOf } from './jid';
import { toInboundMessage } from './message-mapper';
import { installSignalConsoleFilter } from '../../../common/logging/signal-console-filter';
import { Inject } from '@nestjs/common';

/** Baileys' numeric receipt statuses (proto.WebMessageInfo.Status). */
const RECEIPT_STATUS: Record<number, ReceiptStatus> = { 0: 'failed', 3: 'delivered', 4: 'read', 5: 'played' };

function identityOf(sock: WASocket): AccountIdentity {
  const user = sock.user;
  const jid = normalizeJid(user?.id ?? '');
  return { phone: phoneOf(jid) ?? '', jid, lid: lidOf(user?.lid ?? null), name: user?.name ?? null };
}

/** One Baileys socket. Never reused: after it closes the session asks the engine for a new one. */
class BaileysConnection implements EngineConnection {
  private intentional = false;
  private lastFrameAt = Date.now();

  constructor(
    private readonly sock: WASocket,
    private readonly linked: () => boolean,
  ) {
    (sock.ws as any).on('frame', () => (this.lastFrameAt = Date.now()));
  }

  markIntentional(): void {
    this.intentional = true;
  }

  get isIntentional(): boolean {
    return this.intentional;
  }

  async send(jid: string, content: OutgoingContent, options?: SendOptions) {
    const msg = await this.sock.sendMessage(jid, toBaileysContent(content), toSendOptions(options));
    if (!msg?.key?.id) throw new Error('WhatsApp did not accept the message');
    const ts = Number(msg.messageTimestamp ?? Math.floor(Date.now() / 1000));
    return {
      waMessageId: msg.key.id,
      timestamp: ts,
      payload: msg.message ? serialize(msg.message) : undefined,
    };
  }

  requestPairingCode(phone: string): Promise<string> {
    return this.sock.requestPairingCode(phone);
  }

  async lookup(phone: string): Promise<ContactLookup> {
    const [result] = (await this.sock.onWhatsApp(phone)) ?? [];
    if (!result?.exists) return { phone, exists: false, jid: null, lid: null };
    const jid = normalizeJid(result.jid);
    const lid = await this.sock.signalRepository.lidMapping.getLIDForPN(jid).catch(() => null);
    return { phone, exists: true, jid, lid: lidOf(lid ?? null) };
  }

  async logout(): Promise<void> {
    this.intentional = true;
    await this.sock.logout();
  }

  end(): void {
    this.intentional = true;
    this.sock.end(undefined);
  }

  idleMs(): number {
    return Date.now() - this.lastFrameAt;
  }

  isLinked(): boolean {
    return this.linked();
  }
}

/** The WhatsAppEngine on Baileys 7. The only place (with the sandbox) that imports Baileys. */
@Injectable()
export class BaileysEngine extends WhatsAppEngine {
  private readonly logger: pino.Logger;

  constructor(@Inject(BAILEYS_OPTIONS) private readonly options: BaileysOptions) {
    super();
    this.logger = pino({ level: options.logLevel });
    // libsignal prints session objects (private keys included) to the console; keep them out of the logs.
    installSignalConsoleFilter(options.logLevel !== 'debug');
  }

  async isLinked(store: AuthStateStore): Promise<boolean> {
    return Boolean((await loadCreds(store))?.me?.id);
  }

  importAuthFolder(dir: string, store: AuthStateStore): Promise<AccountIdentity | null> {
    return importAuthFolder(dir, store);
  }

  async connect({ store, handlers }: ConnectOptions): Promise<EngineConnection> {
    const { state, saveCreds } = await makeAuthState(store, {
      onWriteError: (err) => this.logger.error({ err }, 'writing Signal keys failed'),
    });
    const o = this.options;
    const sock = makeWASocket({
      // Signal keys are read through makeAuthState's own cache (Baileys' makeCacheableSignalKeyStore takes a
      // mutex and sizes every value on each call, and cannot remember that a key is absent).
      auth: state,
      logger: this.logger,
      browser: Browsers.macOS('Chrome'),
      ...(o.waWebSocketUrl ? { waWebSocketUrl: o.waWebSocketUrl } : {}),
      // Media upload goes through `fetchAgent`, media download through fetch's `dispatcher` (sandbox mode only).
      ...(o.mediaAgent ? { fetchAgent: o.mediaAgent } : {}),
      ...(o.mediaDispatcher ? { options: { dispatcher: o.mediaDispatcher } as RequestInit } : {}),
      ...(o.version ? { version: o.version } : {}),
      markOnlineOnConnect: false,
      syncFullHistory: false,
      qrTimeout: o.qrTimeoutMs,
      connectTimeoutMs: o.connectTimeoutMs,
      keepAliveIntervalMs: o.keepAliveIntervalMs,
      emitOwnEvents: false,
      getMessage: async (key) => {
        const text = key.id ? await handlers.loadSentPayload?.(key.id) : undefined;
        return text ? proto.Message.fromObject(deserialize(text)) : undefined;
      },
    });
    const conn = new BaileysConnection(sock, () => Boolean(state.creds.me?.id));

    sock.ev.on('creds.update', () => void saveCreds());
    sock.ev.on('connection.update', (update) => {
      if (update.qr) handlers.onQr(update.qr);
      if (update.connection === 'open') handlers.onOpen(identityOf(sock));
      if (update.connection === 'close') {
        // Pending creds writes (e.g. `me` right after pairing) land before the session reconnects.
        void saveCreds().finally(() =>
          handlers.onClose(classifyClose(update.lastDisconnect?.error, conn.isIntentional)),
        );
      }
    });
    sock.ev.on('messages.upsert', ({ messages, type }) => {
      const mapped = messages.map((m: WAMessage) => toInboundMessage(m)).filter((m) => m !== null);
      if (mapped.length) handlers.onMessages(mapped, type === 'notify');
    });
    sock.ev.on('messages.update', (updates) => {
      const receipts: Receipt[] = [];
      for (const { key, update } of updates) {
        const status = update.status != null ? RECEIPT_STATUS[update.status as number] : undefined;
        if (!status || !key.id || !key.fromMe) continue;
        receipts.push({
          waMessageId: key.id,
          chatJid: normalizeJid(key.remoteJid ?? ''),
          status,
          timestamp: Number(update.messageTimestamp ?? Math.floor(Date.now() / 1000)),
          error:
            status === 'failed'
              ? String(update.messageStubParameters?.[0] ?? 'rejected by WhatsApp')
              : undefined,
        });
      }
      if (receipts.length) handlers.onReceipts(receipts);
    });
    return conn;
  }
}
