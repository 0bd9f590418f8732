import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import type { EngineConnection } from '../../whatsapp/engine/whatsapp-engine';

/** The failure reason of a message whose recipient has no WhatsApp account. */
export const NOT_ON_WHATSAPP = 'Recipient not on WhatsApp';

/** Whether a failed message's stored error is the recipient check's. */
export const isNotOnWhatsApp = (error: string | null | undefined): boolean =>
  Boolean(error?.startsWith(NOT_ON_WHATSAPP));

/** A lookup that takes longer than this counts as failed (the message is sent anyway). */
const LOOKUP_TIMEOUT_MS = 10_000;
/** Answers remembered per session at most; the oldest go first. */
const MAX_ANSWERS = 50_000;

/** A claimed message's recipient check: whether it has been answered, and the refusal if the recipient has no account. */
export interface RecipientVerdict {
  settled: boolean;
  refusal: string | null;
}

interface Answer {
  exists: boolean;
  until: number;
}

/**
 * Before a message to a person goes out, asks WhatsApp whether the number has an account (the engine's
 * contact lookup): WhatsApp itself accepts a message to a number that does not exist and never delivers it.
 * Answers, yes and no, are remembered per session for SEND_RECIPIENT_CACHE_TTL_MS, and concurrent questions
 * about one number share one lookup, so a bulk send to one number asks once. Groups, LIDs and broadcasts are
 * not checked. A lookup that fails (timeout, connection trouble) is not an answer: the message is sent anyway
 * and the next message asks again.
 */
@Injectable()
export class RecipientCheck {
  private readonly logger = new Logger(RecipientCheck.name);
  private readonly answers = new Map<string, Map<string, Answer>>();
  private readonly asking = new Map<string, Promise<boolean | null>>();

  constructor(private readonly config: AppConfig) {}

  /** Null when the message may be sent; otherwise why it must fail. */
  async refusal(
    sessionId: string,
    conn: Pick<EngineConnection, 'lookup'>,
    jid: string,
  ): Promise<string | null> {
    if (!this.config.SEND_RECIPIENT_CHECK || !jid.endsWith('@s.whatsapp.net')) return null;
    const phone = jid.split('@')[0];
    const exists = await this.exists(sessionId, conn, phone);
    return exists === false ? `${NOT_ON_WHATSAPP}: ${phone} has no WhatsApp account` : null;
  }

  /** Forgets a session's answers (e.g. when it is removed). */
  forget(sessionId: string): void {
    this.answers.delete(sessionId);
  }

  private exists(
    sessionId: string,
    conn: Pick<EngineConnection, 'lookup'>,
    phone: string,
  ): Promise<boolean | null> {
    let answers = this.answers.get(sessionId);
    if (!answers) this.answers.set(sessionId, (answers = new Map()));
    const known = answers.get(phone);
    if (known && known.until > Date.now()) return Promise.resolve(known.exists);
    if (known) answers.delete(phone);
    const key = `${sessionId}\n${phone}`;
    let asking = this.asking.get(key);
    if (!asking) {
      asking = this.ask(conn, phone)
        .then((exists) => {
          if (exists === null) return null;
          if (answers.size >= MAX_ANSWERS) answers.delete(answers.keys().next().value!);
          answers.set(phone, { exists, until: Date.now() + this.config.SEND_RECIPIENT_CACHE_TTL_MS });
          return exists;
        })
        .finally(() => this.asking.delete(key));
      this.asking.set(key, asking);
    }
    return asking;
  }

  private async ask(conn: Pick<EngineConnection, 'lookup'>, phone: string): Promise<boolean | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no answer in time')), LOOKUP_TIMEOUT_MS);
    });
    try {
      return (await Promise.race([conn.lookup(phone), timeout])).exists;
    } catch (err) {
      this.logger.warn(`recipient lookup failed, sending anyway: ${(err as Error).message}`);
      return null;
    } finally {
      clearTimeout(timer);
    }
  }
}
