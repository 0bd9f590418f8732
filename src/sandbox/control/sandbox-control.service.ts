import { Injectable } from '@nestjs/common';
import { BadRequestError, DomainError } from '../../common/errors/domain-error';
import { AppConfig } from '../../config/app-config';
import { DEFAULT_SESSION } from '../../whatsapp/sessions/default-session';
import { SessionNotFound } from '../../whatsapp/sessions/session.errors';
import { SessionsFacade } from '../../whatsapp/sessions/sessions.facade';
import type { RecordedMessage } from '../message-record';
import type { ContactChange, WhatsAppSandbox } from '../whatsapp-sandbox';
import {
  ContactPresenceDto,
  ContactPresenceResultView,
  ContactRecordView,
  SandboxContactChangeDto,
  SandboxContactMessageDto,
  ContactReceivedView,
  MediaRefusalView,
  ScanDto,
  ScanResultView,
  SentByContactView,
} from './sandbox-control.dto';
import { SandboxHost } from './sandbox-host';
import { defaultScanPhone } from './scan-phone';

const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : null);

/** What the sandbox control routes do: the simulated phone and contacts acting on a session. */
@Injectable()
export class SandboxControlService {
  constructor(
    private readonly host: SandboxHost,
    private readonly sessions: SessionsFacade,
    private readonly config: AppConfig,
  ) {}

  private get sandbox(): WhatsAppSandbox {
    if (!this.host.sandbox)
      throw new DomainError(404, 'Sandbox not running', 'Start the gateway with SANDBOX=true');
    return this.host.sandbox;
  }

  private linkedPhone(sessionId: string): string {
    const rt = this.sessions.state(sessionId);
    if (!rt.me?.phone || !rt.linked) {
      throw new DomainError(
        409,
        'Session not linked',
        `Session "${sessionId}" has no linked account; scan its QR first`,
      );
    }
    return rt.me.phone;
  }

  /** The simulated phone scans the QR; answers once the session is connected (or, at the latest, its status). */
  async scan(sessionId: string, dto: ScanDto = {}): Promise<ScanResultView> {
    if (!this.sessions.has(sessionId)) throw new SessionNotFound(sessionId);
    const rt = await this.sessions.ensurePairing(sessionId, this.config.WA_QR_WAIT_MS);
    if (rt.status === 'connected')
      throw new DomainError(409, 'Already linked', `Session "${sessionId}" is connected`);
    if (rt.status !== 'qr_ready' || !rt.qr) {
      throw new DomainError(409, 'No QR to scan', `Session status is ${rt.status}; try again shortly`);
    }
    const phone = dto.phone ?? defaultScanPhone(sessionId);
    let link: { phone: string; lid: string };
    try {
      link = await this.sandbox.scanQr(rt.qr, { phone, pushName: dto.pushName });
    } catch (err) {
      throw new DomainError(409, 'Scan failed', (err as Error).message);
    }
    await this.sessions.waitFor(
      sessionId,
      (r) => r.status === 'connected' && r.me?.phone === link.phone,
      this.config.WA_CONNECT_TIMEOUT_MS,
    );
    const status = this.sessions.status(sessionId);
    return { session: sessionId, phone: link.phone, lid: `${link.lid}@lid`, status };
  }

  async contactSends(contact: string, dto: SandboxContactMessageDto): Promise<SentByContactView> {
    const account = this.linkedPhone(dto.session ?? DEFAULT_SESSION);
    const content = dto.kind === 'image' ? { image: { caption: dto.text } } : { text: dto.text };
    const { id } = await this.sandbox.contactSend(contact, account, content, {
      pushName: dto.pushName,
      addressing: dto.addressing,
      senderPn: dto.senderPn,
    });
    return { id, from: contact, to: account };
  }

  /** The contact edits, deletes, reacts to or votes in an earlier message. */
  async contactChanges(contact: string, dto: SandboxContactChangeDto): Promise<SentByContactView> {
    const account = this.linkedPhone(dto.session ?? DEFAULT_SESSION);
    const id = dto.messageId;
    let change: ContactChange;
    if (dto.action === 'edit') change = { edit: { id, text: dto.text! } };
    else if (dto.action === 'revoke') change = { revoke: { id } };
    else if (dto.action === 'react') change = { react: { id, emoji: dto.emoji! } };
    else {
      const poll = this.sandbox.received(contact).find((m) => m.id === id && m.fromAccount === account);
      if (!poll || poll.kind !== 'poll')
        throw new DomainError(404, 'Poll not found', `The contact received no poll with id "${id}"`);
      const unknown = dto.options!.find((o) => !poll.poll!.options.includes(o));
      if (unknown !== undefined)
        throw new BadRequestError('Unknown option', {
          option: 'not one of the poll options',
          options: poll.poll!.options,
        });
      change = { vote: { pollId: id, options: dto.options! } };
    }
    const sent = await this.sandbox.contactChange(contact, account, change);
    return { id: sent.id, from: contact, to: account };
  }

  refuseMedia(messageId: string, status: 404 | 410 | null): MediaRefusalView {
    if (!/^[A-Za-z0-9]{8,64}$/.test(messageId)) {
      throw new BadRequestError(
        'Invalid message id',
        'messageId must be a WhatsApp message id (letters and digits)',
      );
    }
    const stored = this.sandbox.refuseMedia(messageId, status);
    return { id: messageId, status, stored };
  }

  received(contact: string): ContactReceivedView[] {
    return this.sandbox.received(contact).map((m: RecordedMessage) => ({
      id: m.id,
      from: m.fromAccount,
      kind: m.kind,
      text: m.text,
      caption: m.caption,
      fileName: m.fileName,
      mimetype: m.mimetype,
      latitude: m.latitude,
      longitude: m.longitude,
      quotedId: m.quotedId,
      reaction: m.reaction,
      ...(m.poll
        ? {
            poll: {
              question: m.poll.question,
              options: m.poll.options,
              selectableCount: m.poll.selectableCount,
            },
          }
        : {}),
      ...(m.editedAt ? { editedAt: new Date(m.editedAt).toISOString() } : {}),
      ...(m.edits ? { edits: m.edits.map((e) => ({ text: e.text, at: new Date(e.at).toISOString() })) } : {}),
      ...(m.revokedAt ? { revokedAt: new Date(m.revokedAt).toISOString() } : {}),
      at: new Date(m.at).toISOString(),
      deliveredAt: iso(m.receipts.deliveredAt),
      readAt: iso(m.receipts.readAt),
      timesReceived: m.timesReceived ?? 1,
    }));
  }

  /** What the contact saw: receipts for its messages, chat states sent to it, its own presence. */
  contactRecord(contact: string): ContactRecordView {
    const r = this.sandbox.contactRecord(contact);
    return {
      phone: r.phone,
      lid: r.lid,
      sent: r.sent.map((s) => ({
        id: s.id,
        to: s.toAccount,
        at: new Date(s.at).toISOString(),
        ...(s.text !== undefined ? { text: s.text } : {}),
        deliveredAt: iso(s.receipts.deliveredAt),
        readAt: iso(s.receipts.readAt),
      })),
      chatStates: r.chatStates.map((c) => ({
        from: c.fromAccount,
        state: c.state,
        at: new Date(c.at).toISOString(),
      })),
      presence: r.presence?.state ?? null,
      blockedBy: r.blockedBy,
      hasPicture: r.hasPicture,
    };
  }

  setProfilePicture(contact: string, picture: boolean): { phone: string; picture: boolean } {
    this.sandbox.setProfilePicture(contact, picture);
    return { phone: contact, picture };
  }

  contactPresence(contact: string, dto: ContactPresenceDto): ContactPresenceResultView {
    const account = this.linkedPhone(dto.session ?? DEFAULT_SESSION);
    const { delivered } = this.sandbox.contactPresence(contact, account, dto.state);
    return { from: contact, to: account, state: dto.state, delivered };
  }

  disconnect(sessionId: string): { session: string; disconnected: true } {
    this.sandbox.disconnect(this.linkedPhone(sessionId));
    return { session: sessionId, disconnected: true };
  }

  setMinVersion(version: string | null): { minVersion: string | null } {
    this.sandbox.setMinVersion(version);
    return { minVersion: this.sandbox.minVersion };
  }
}
