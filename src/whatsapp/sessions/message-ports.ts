/**
 * What sessions need to know about messages, which the messaging module keeps. `whatsapp/` defines these ports;
 * the messaging module provides them (global), so the dependency points from messaging to sessions only.
 */

/** The stored payload of a message a session sent, for the engine's retry handling; undefined if unknown. */
export abstract class SentPayloads {
  abstract find(sessionId: string, waMessageId: string): Promise<string | undefined>;
}

/** How many messages wait in a session's send queue (shown in the session's view). */
export abstract class QueueDepths {
  abstract depth(sessionId: string): number;
}
