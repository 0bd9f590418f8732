import type { MediaInfo, MessageType } from '../whatsapp/engine/engine.types';
import type { MediaStatus } from './media-file.entity';

/**
 * `details.media` of an incoming media message, as the API, webhooks and Socket.IO show it. `url` is the
 * gateway's route for the file (a path on the gateway's address, API key required); `sha256` and the final
 * `status` come once the download settles (`message.media` event).
 */
export interface MediaDetails extends MediaInfo {
  type: MessageType;
  caption: string | null;
  status: MediaStatus;
  /** Why it is `unavailable` or `expired`: expired, refused, too_large, corrupt, unreachable, retention. */
  reason: string | null;
  /** Hex SHA-256 of the file, once available. */
  sha256: string | null;
  url: string;
}

export function mediaPath(sessionId: string, messageId: string): string {
  return `/api/sessions/${encodeURIComponent(sessionId)}/messages/${encodeURIComponent(messageId)}/media`;
}

/** The media object of a message just stored, before its file is downloaded. */
export function pendingMediaDetails(
  sessionId: string,
  messageId: string,
  type: MessageType,
  info: MediaInfo,
  caption: string | null,
): MediaDetails {
  return {
    type,
    ...info,
    caption,
    status: 'pending',
    reason: null,
    sha256: null,
    url: mediaPath(sessionId, messageId),
  };
}

/** The media object once the download settled (or the file expired). */
export function settledMediaDetails(
  current: MediaDetails,
  file: { status: MediaStatus; reason: string | null; size: number | null; sha256: string | null },
): MediaDetails {
  return {
    ...current,
    status: file.status,
    reason: file.status === 'available' ? null : file.reason,
    size: file.size ?? current.size,
    sha256: file.status === 'available' ? file.sha256 : current.sha256,
  };
}

/**
 * The details JSON of a stored incoming message, its media object now `pending` with the route of the file
 * (the row's own id, so it is right for a row that existed before too).
 */
export function detailsWithPendingMedia(row: {
  id: string;
  sessionId: string;
  type: string;
  text: string | null;
  details: string | null;
}): string {
  const details = row.details ? (JSON.parse(row.details) as Record<string, unknown>) : {};
  const info = (details.media ?? { mimetype: null, fileName: null, size: null }) as MediaInfo;
  details.media = pendingMediaDetails(row.sessionId, row.id, row.type as MessageType, info, row.text);
  return JSON.stringify(details);
}
