/** How many people one session stays subscribed to across reconnects (the oldest are forgotten beyond it). */
export const MAX_SUBSCRIPTIONS_PER_SESSION = 1000;

/**
 * The people each session subscribed to, so they can be subscribed again on the next connection (WhatsApp ends
 * a subscription with its connection). Kept in memory: a restarted gateway starts with none.
 */
export class PresenceSubscriptions {
  private readonly bySession = new Map<string, Set<string>>();

  constructor(private readonly max = MAX_SUBSCRIPTIONS_PER_SESSION) {}

  add(sessionId: string, jid: string): void {
    let jids = this.bySession.get(sessionId);
    if (!jids) this.bySession.set(sessionId, (jids = new Set()));
    jids.delete(jid); // re-added: now the newest
    jids.add(jid);
    if (jids.size > this.max) jids.delete(jids.values().next().value!);
  }

  of(sessionId: string): string[] {
    return [...(this.bySession.get(sessionId) ?? [])];
  }

  clear(sessionId: string): void {
    this.bySession.delete(sessionId);
  }
}
