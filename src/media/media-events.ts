import type { MediaDetails } from './media-details';

/**
 * `data` of a `message.media` event: the media object of an incoming message once its download settled
 * (`available` or `unavailable`), was asked again (`pending`) or its file was deleted (`expired`).
 */
export interface MessageMediaEventData {
  /** The message's id (msg_...). */
  id: string;
  session: string;
  waMessageId: string | null;
  chat: string;
  media: MediaDetails;
}
