import { DomainError, NotFoundError } from '../../common/errors/domain-error';

/** The id is repeated in the answer only when it is plain and short (as every other "not found"). */
export class SessionNotFound extends NotFoundError {
  constructor(id: string) {
    super('Session', id);
  }
}

export class QrNotAvailable extends DomainError {
  constructor(reason: string) {
    super(404, 'QR code not available', reason);
  }
}

export class NotConnected extends DomainError {
  constructor(status: string) {
    super(503, 'WhatsApp not connected', `Connection status is ${status}`);
  }
}
