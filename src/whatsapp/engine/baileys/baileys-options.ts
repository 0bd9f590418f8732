import type { Agent } from 'node:https';

export const BAILEYS_OPTIONS = Symbol('BAILEYS_OPTIONS');

/** Socket settings for every Baileys connection, built from AppConfig (and the sandbox, in sandbox mode). */
export interface BaileysOptions {
  /** Overrides WhatsApp's WebSocket URL (the sandbox, tests). */
  waWebSocketUrl?: string;
  /** HTTPS agent for media uploads (trusts the sandbox's certificate in sandbox mode). */
  mediaAgent?: Agent;
  /** fetch dispatcher for media downloads (an undici Agent trusting the sandbox's certificate). */
  mediaDispatcher?: unknown;
  /**
   * The media host incoming files are downloaded from (`host:port`): in sandbox mode the sandbox's, as it
   * announces it in media_conn for uploads; unset: the host of each message's url (WhatsApp's CDN).
   */
  mediaHost?: string;
  /** PEM of the CA behind the media host, so the engine thread can build the two agents above itself. */
  mediaCa?: string;
  /** The WhatsApp Web version to log in with (see WaVersionService); default: the one bundled with Baileys. */
  version?: [number, number, number];
  qrTimeoutMs?: number;
  connectTimeoutMs: number;
  keepAliveIntervalMs: number;
  logLevel: string;
  /** How Baileys' lines are written, as the gateway's own (default `json`). */
  logFormat?: 'json' | 'pretty';
  /** Phone numbers and texts unmasked in Baileys' lines (default false). */
  logPii?: boolean;
}
