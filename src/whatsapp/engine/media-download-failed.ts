/**
 * Why an incoming message's file could not be fetched:
 * - `expired`: WhatsApp's media host no longer has it (404/410; the sender's phone can upload it again);
 * - `refused`: the media host refused the request (another 4xx);
 * - `too_large`: larger than the configured limit;
 * - `corrupt`: the bytes did not decrypt or did not match the message's hash;
 * - `unreachable`: the media host could not be reached or failed (5xx): worth trying again later.
 */
export type MediaFailureReason = 'expired' | 'refused' | 'too_large' | 'corrupt' | 'unreachable';

export class MediaDownloadFailed extends Error {
  override readonly name = 'MediaDownloadFailed';

  constructor(
    readonly reason: MediaFailureReason,
    message: string,
  ) {
    super(message);
  }
}

/** The reason for an HTTP status the media host answered. */
export function reasonForStatus(status: number): MediaFailureReason {
  if (status === 404 || status === 410) return 'expired';
  if (status >= 400 && status < 500) return 'refused';
  return 'unreachable';
}
