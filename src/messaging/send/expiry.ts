/** The error of a queued message that was not sent before SEND_EXPIRY_MS elapsed (its status is `failed`). */
export const EXPIRED_ERROR = 'Expired: not sent before SEND_EXPIRY_MS elapsed';
