import { BadRequestError } from '../common/errors/domain-error';

/** The `:groupId` of a route as a group JID: `<id>@g.us`, or just `<id>` (digits, optionally `-digits`). */
export function toGroupJid(groupId: string): string {
  const value = String(groupId ?? '').trim();
  const match = /^(\d{5,30}(?:-\d{5,15})?)(@g\.us)?$/.exec(value);
  if (!match)
    throw new BadRequestError('Invalid group id', 'groupId: use <id>@g.us (e.g. 120363000000000001@g.us)');
  return `${match[1]}@g.us`;
}

/** The code of an invite, given alone or as its link (`https://chat.whatsapp.com/<code>`). */
export function inviteCodeOf(input: string): string {
  const code = input.trim().replace(/^https?:\/\/chat\.whatsapp\.com\//i, '');
  if (!/^[A-Za-z0-9_-]{10,64}$/.test(code))
    throw new BadRequestError(
      'Invalid invite code',
      'code: an invite code or https://chat.whatsapp.com/<code>',
    );
  return code;
}
