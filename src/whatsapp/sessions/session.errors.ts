import { DomainError } from '../../common/errors/domain-error';

export class SessionNotFound extends DomainError {
  constructor(id: string) {
    super(404, 'Session not found', `No session with id "${id}"`);
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
