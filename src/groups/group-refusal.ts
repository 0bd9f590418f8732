import { DomainError } from '../common/errors/domain-error';
import { WhatsAppRefused } from '../whatsapp/engine/engine-errors';

/**
 * WhatsApp's refusal of a group request as the API's error: 404 no such group (or invite), 403 the account may
 * not do it (not an admin, not a member), 400 a request WhatsApp found malformed; anything else is a 502.
 */
export function groupRefusal(err: unknown, group: string | null): unknown {
  if (!(err instanceof WhatsAppRefused)) return err;
  const which = group ? `group ${group}` : 'the group';
  switch (err.code) {
    case 404:
      return new DomainError(404, 'Group not found', `WhatsApp knows no ${which} (${err.reason})`);
    case 406:
      return new DomainError(404, 'Invite not found', `No group has this invite code (${err.reason})`);
    case 401:
      return new DomainError(403, 'Not a group member', `The account is not a member of ${which}`);
    case 403:
      return new DomainError(
        403,
        'Not allowed',
        `The account lacks the rights in ${which}: only admins may do this`,
      );
    case 400:
      return new DomainError(400, 'Refused by WhatsApp', `WhatsApp refused the request (${err.reason})`);
    default:
      return new DomainError(502, 'Group request failed', `WhatsApp answered ${err.code} ${err.reason}`);
  }
}

/** Why WhatsApp refused one participant of a change, by its status. */
export function participantReason(action: string, status: number): string | null {
  if (status === 200) return null;
  if (status === 403) return action === 'add' ? 'privacy settings do not allow it' : 'not allowed';
  if (status === 404) return action === 'add' ? 'not on WhatsApp' : 'not in the group';
  if (status === 409) return 'already in the group';
  if (status === 408) return 'left the group recently';
  return `refused (${status})`;
}
