import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { AccountIdentity } from '../engine/engine.types';
import { SessionEntity } from './session.entity';

/** Session rows: which sessions exist and what they last reported. */
@Injectable()
export class SessionStore {
  constructor(@InjectRepository(SessionEntity) private readonly repo: Repository<SessionEntity>) {}

  all(): Promise<SessionEntity[]> {
    return this.repo.find({ order: { createdAt: 'ASC' } });
  }

  async ensure(id: string): Promise<void> {
    const now = Date.now();
    await this.repo
      .createQueryBuilder()
      .insert()
      .values({ id, status: 'disconnected', createdAt: now, updatedAt: now })
      .orIgnore()
      .execute();
  }

  find(id: string): Promise<SessionEntity | null> {
    return this.repo.findOneBy({ id });
  }

  async exists(id: string): Promise<boolean> {
    return (await this.repo.countBy({ id })) > 0;
  }

  async saveStatus(id: string, status: string, reason: string | null): Promise<void> {
    await this.repo.update({ id }, { status, reason, updatedAt: Date.now() });
  }

  async saveIdentity(id: string, me: AccountIdentity | null): Promise<void> {
    await this.repo.update(
      { id },
      { phone: me?.phone ?? null, name: me?.name ?? null, lid: me?.lid ?? null, updatedAt: Date.now() },
    );
  }

  async saveStopped(id: string, stopped: boolean): Promise<void> {
    await this.repo.update({ id }, { stopped, updatedAt: Date.now() });
  }

  async remove(id: string): Promise<void> {
    await this.repo.delete({ id });
  }
}
