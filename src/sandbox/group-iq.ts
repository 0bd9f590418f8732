import { getBinaryNodeChild, type BinaryNode } from '@whiskeysockets/baileys';
import type { Account } from './sandbox-store';
import { GroupError, type GroupSetting, type Groups, type ParticipantAction } from './groups';

const children = (node: BinaryNode | undefined): BinaryNode[] =>
  Array.isArray(node?.content) ? node.content : [];

const text = (node: BinaryNode | undefined): string =>
  node?.content instanceof Uint8Array ? Buffer.from(node.content).toString('utf8') : '';

const phoneOf = (jid: string | undefined): string => (jid ?? '').split('@')[0].split(':')[0];

const SETTINGS = new Set(['announcement', 'not_announcement', 'locked', 'unlocked']);
const ACTIONS = new Set(['add', 'remove', 'promote', 'demote']);

/**
 * Answers the `w:g2` iqs Baileys sends (lib/Socket/groups.js) as WhatsApp does: the content of the `result`, or
 * a GroupError that the caller turns into `<error code text>`.
 */
export function answerGroupIq(groups: Groups, account: Account, iq: BinaryNode): BinaryNode[] | undefined {
  const me = account.phone;
  const to = iq.attrs.to;
  const [child] = children(iq);
  if (!child) throw new GroupError(400, 'bad-request');
  const onGroup = to !== '@g.us';
  switch (child.tag) {
    case 'create': {
      const phones = children(child).map((p) => phoneOf(p.attrs.jid));
      const { group, results } = groups.create(me, child.attrs.subject ?? '', phones);
      const node = groups.node(group);
      // Participants WhatsApp refused carry their error code, as in its answer.
      const refused = results.filter((r) => r.code !== 200);
      for (const r of refused)
        (node.content as BinaryNode[]).push({
          tag: 'participant',
          attrs: { jid: `${r.phone}@s.whatsapp.net`, error: String(r.code) },
        });
      return [node];
    }
    case 'query':
      return [groups.node(groups.require(to, me))];
    case 'participating':
      return [{ tag: 'groups', attrs: {}, content: groups.participating(me).map((g) => groups.node(g)) }];
    case 'leave':
      for (const g of children(child))
        groups.leave(g.attrs.id.includes('@') ? g.attrs.id : `${g.attrs.id}@g.us`, me);
      return undefined;
    case 'subject':
      groups.setSubject(to, me, text(child));
      return undefined;
    case 'description':
      groups.setDescription(
        to,
        me,
        child.attrs.delete === 'true' ? null : text(getBinaryNodeChild(child, 'body')),
        child.attrs.id,
      );
      return undefined;
    case 'membership_approval_mode':
      groups.setJoinApproval(to, me, getBinaryNodeChild(child, 'group_join')?.attrs.state === 'on');
      return undefined;
    case 'invite': {
      if (!onGroup) {
        const code = child.attrs.code ?? '';
        if (iq.attrs.type === 'get') return [groups.node(groups.byInvite(code))];
        const joined = groups.join(code, me);
        return [{ tag: 'group', attrs: { jid: joined.jid } }];
      }
      const code = groups.invite(to, me, iq.attrs.type === 'set');
      return [{ tag: 'invite', attrs: { code } }];
    }
    default:
      if (SETTINGS.has(child.tag)) {
        groups.setSetting(to, me, child.tag as GroupSetting);
        return undefined;
      }
      if (ACTIONS.has(child.tag)) {
        const phones = children(child).map((p) => phoneOf(p.attrs.jid));
        const results = groups.participants(to, me, child.tag as ParticipantAction, phones);
        return [
          {
            tag: child.tag,
            attrs: {},
            content: results.map((r) => ({
              tag: 'participant',
              attrs: {
                jid: `${r.phone}@s.whatsapp.net`,
                ...(r.code === 200 ? {} : { error: String(r.code) }),
              },
            })),
          },
        ];
      }
      throw new GroupError(501, 'feature-not-implemented');
  }
}
