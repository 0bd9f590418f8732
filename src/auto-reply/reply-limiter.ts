/**
 * Loop and flood protection for auto-replies, in memory (a restart forgets it, which at worst allows one more
 * reply per chat):
 * - a per-chat cooldown per rule: after rule R answered in chat C, R stays quiet in C for the rule's
 *   `cooldownSeconds`;
 * - a hard cap: at most `maxPerMinute` auto-replies per chat in any sliding 60-second window, whatever the rules.
 *
 * `acquire` checks and records in one synchronous step, so two messages evaluated concurrently cannot both pass.
 * Entries expire on their own; memory stays proportional to the chats active in the last minute or cooldown.
 */
export type LimitRefusal = 'cooldown' | 'rate_limit';

export type Acquired = { ok: true; release: () => void } | { ok: false; reason: LimitRefusal };

interface ChatState {
  /** Times (ms) of this chat's auto-replies in the current window, oldest first. */
  sent: number[];
  /** Rule id -> time (ms) until which the rule stays quiet in this chat. */
  quietUntil: Map<string, number>;
}

const WINDOW_MS = 60_000;

export class ReplyLimiter {
  private readonly chats = new Map<string, ChatState>();
  private lastSweep: number;

  constructor(
    private readonly maxPerMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    this.lastSweep = now();
  }

  acquire(chatKey: string, ruleId: string, cooldownSeconds: number): Acquired {
    const now = this.now();
    this.sweep(now);
    const state = this.chats.get(chatKey) ?? { sent: [], quietUntil: new Map<string, number>() };
    prune(state.sent, now);
    const quietUntil = state.quietUntil.get(ruleId);
    if (quietUntil !== undefined && quietUntil > now) return { ok: false, reason: 'cooldown' };
    if (state.sent.length >= this.maxPerMinute) return { ok: false, reason: 'rate_limit' };

    state.sent.push(now);
    if (cooldownSeconds > 0) state.quietUntil.set(ruleId, now + cooldownSeconds * 1000);
    this.chats.set(chatKey, state);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        const i = state.sent.lastIndexOf(now);
        if (i >= 0) state.sent.splice(i, 1);
        if (quietUntil === undefined) state.quietUntil.delete(ruleId);
        else state.quietUntil.set(ruleId, quietUntil);
      },
    };
  }

  /** Number of chats currently tracked (for tests and diagnostics). */
  get size(): number {
    return this.chats.size;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < WINDOW_MS) return;
    this.lastSweep = now;
    for (const [key, state] of this.chats) {
      prune(state.sent, now);
      for (const [rule, until] of state.quietUntil) if (until <= now) state.quietUntil.delete(rule);
      if (!state.sent.length && !state.quietUntil.size) this.chats.delete(key);
    }
  }
}

function prune(sent: number[], now: number): void {
  let drop = 0;
  while (drop < sent.length && sent[drop] <= now - WINDOW_MS) drop++;
  if (drop) sent.splice(0, drop);
}
