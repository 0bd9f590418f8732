import type { Logger } from '@nestjs/common';

/**
 * "Sent" marks written while the sender goes on (see `MessageQueueService.drain`): settled together; a mark that fails is logged
 * (the message went out; its row stays `sending` and is queued again at the next start).
 */
export class SentMarks {
  private writes: Promise<void>[] = [];
  private since = 0;

  constructor(
    private readonly logger: Logger,
    private readonly sessionId: string,
  ) {}

  /** Adds a mark; answers how many are waiting. */
  add(write: Promise<void>): number {
    if (!this.writes.length) this.since = performance.now();
    return this.writes.push(
      write.catch((err: Error) =>
        this.logger.error(`[${this.sessionId}] a sent message could not be marked sent: ${err.message}`),
      ),
    );
  }

  olderThan(ms: number): boolean {
    return this.writes.length > 0 && performance.now() - this.since > ms;
  }

  async settle(): Promise<void> {
    if (!this.writes.length) return;
    const writes = this.writes;
    this.writes = [];
    await Promise.all(writes);
  }
}
