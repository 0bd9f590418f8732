/**
 * Which of the claimed rows (in the order they were accepted) may be sent now: the first that is ready and has
 * no earlier row to the same chat still waiting. A row waiting for its media holds back the later rows to its
 * chat, never rows to other chats. Returns its index, or -1.
 */
export function nextSendable<T extends { chatJid: string }>(rows: T[], ready: (row: T) => boolean): number {
  const held = new Set<string>();
  for (let i = 0; i < rows.length; i++) {
    const chat = rows[i].chatJid;
    if (held.has(chat)) continue;
    if (ready(rows[i])) return i;
    held.add(chat);
  }
  return -1;
}
