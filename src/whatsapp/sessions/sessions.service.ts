import { Injectable } from '@nestjs/common';
import { ConflictError, DomainError } from '../../common/errors/domain-error';
import { AppConfig } from '../../config/app-config';
import { QrView, SessionView, toSessionView } from '../dto/session.dto';
import { qrDataUrl } from '../qr-image';
import { DEFAULT_SESSION } from './default-session';
import { QueueDepths } from './message-ports';
import { SessionOwners } from '../../cluster/session-owners';
import { SessionManager } from './session-manager';
import { QrNotAvailable, SessionNotFound } from './session.errors';
import type { SessionRuntime } from './session-runtime';

/** The sessions API's use cases, on top of the SessionManager's lifecycle. */
@Injectable()
export class SessionsService {
  constructor(
    private readonly manager: SessionManager,
    private readonly config: AppConfig,
    private readonly queues: QueueDepths,
    private readonly owners: SessionOwners,
  ) {}

  runtime(id: string): SessionRuntime {
    const rt = this.manager.get(id);
    if (!rt) throw new SessionNotFound(id);
    return rt;
  }

  view(id: string): SessionView {
    return toSessionView(this.runtime(id), this.queueDepth(id), this.owners.ownerOf(id));
  }

  list(): SessionView[] {
    return this.manager
      .list()
      .map((rt) => toSessionView(rt, this.queueDepth(rt.id), this.owners.ownerOf(rt.id)));
  }

  private queueDepth(id: string): number {
    return this.queues.depth(id);
  }

  async create(id: string): Promise<SessionView> {
    if (await this.manager.exists(id))
      throw new ConflictError('Session exists', `A session with id "${id}" already exists`);
    await this.manager.create(id);
    return this.view(id);
  }

  async remove(id: string): Promise<void> {
    this.runtime(id);
    if (id === DEFAULT_SESSION) {
      throw new ConflictError(
        'Cannot delete the default session',
        'Use POST /api/sessions/default/logout to unlink it',
      );
    }
    await this.manager.remove(id);
  }

  /** The current QR; a resting unlinked session starts a new pairing attempt and waits briefly for one. */
  async qr(id: string): Promise<QrView> {
    let rt = this.runtime(id);
    this.refuseStopped(rt);
    if (rt.status === 'connected') throw new QrNotAvailable('The session is connected; no QR is needed');
    if (rt.status !== 'qr_ready') rt = await this.manager.ensurePairing(id, this.config.WA_QR_WAIT_MS);
    if ((rt.status !== 'qr_ready' || !rt.qr) && rt.blocker)
      throw new DomainError(503, rt.blocker.error, rt.reason ?? rt.blocker.reason);
    if (rt.status !== 'qr_ready' || !rt.qr) {
      throw new QrNotAvailable(
        rt.status === 'connected'
          ? 'The session is connected; no QR is needed'
          : `Session status is ${rt.status}; try again shortly`,
      );
    }
    return { session: id, qr: rt.qr, dataUrl: await qrDataUrl(rt.qr) };
  }

  async pairingCode(id: string, phone: string): Promise<{ code: string; phone: string }> {
    const rt = this.runtime(id);
    this.refuseStopped(rt);
    if (rt.linked)
      throw new ConflictError(
        'Already linked',
        `Session "${id}" is linked to ${rt.me?.phone ?? 'an account'}`,
      );
    try {
      return { code: await this.manager.requestPairingCode(id, phone), phone };
    } catch (err) {
      throw new DomainError(503, 'Pairing code not available', (err as Error).message);
    }
  }

  async logout(id: string): Promise<SessionView> {
    this.runtime(id);
    await this.manager.logout(id);
    return this.view(id);
  }

  async stop(id: string): Promise<SessionView> {
    this.runtime(id);
    await this.manager.stopOnRequest(id);
    return this.view(id);
  }

  async start(id: string): Promise<SessionView> {
    this.runtime(id);
    await this.manager.startOnRequest(id);
    return this.view(id);
  }

  private refuseStopped(rt: SessionRuntime): void {
    if (rt.stopped)
      throw new ConflictError('Session stopped', `Start it first: POST /api/sessions/${rt.id}/start`);
  }

  async restart(id: string): Promise<SessionView> {
    this.runtime(id);
    await this.manager.restart(id);
    return this.view(id);
  }
}
