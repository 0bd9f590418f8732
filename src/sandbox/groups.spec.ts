import { EventEmitter } from 'node:events';
import type { BinaryNode } from '@whiskeysockets/baileys';
import { Registry, type SandboxContext } from './context';
import type { Delivery } from './delivery';
import { answerGroupIq } from './group-iq';
import { GroupError, Groups } from './groups';
import { SandboxStore, type Account, type QueuedNotification } from './sandbox-store';

const ME = '6280000000001';
const A = '6281000000001';
const B = '6281000000002';

function setup() {
  const store = new SandboxStore(undefined, () => undefined);
  const account = { phone: ME, lid: '100000000000001', companions: new Map() } as unknown as Account;
  store.accounts.set(ME, account);
  const notifications: { to: string; node: BinaryNode }[] = [];
  const delivery = {
    notificationToAccount: async (acc: Account, n: QueuedNotification) => {
      notifications.push({ to: acc.phone, node: n.node });
    },
  } as unknown as Delivery;
  const ctx = {
    store,
    registry: new Registry(),
    events: new EventEmitter(),
    log: () => undefined,
    options: { receipts: false, qrRefs: 6, minVersion: null, idleTimeoutMs: 0 },
  } as unknown as SandboxContext;
  return { groups: new Groups(ctx, delivery), store, account, notifications };
}

const iq = (to: string, type: 'get' | 'set', child: BinaryNode): BinaryNode => ({
  tag: 'iq',
  attrs: { to, type, xmlns: 'w:g2', id: '1' },
  content: [child],
});
const participants = (...phones: string[]): BinaryNode[] =>
  phones.map((p) => ({ tag: 'participant', attrs: { jid: `${p}@s.whatsapp.net` } }));

describe('sandbox groups', () => {
  it('answers create and metadata as WhatsApp does, and tells the account devices with a create notification', () => {
    const { groups, account, notifications } = setup();
    const [node] = answerGroupIq(
      groups,
      account,
      iq('@g.us', 'set', { tag: 'create', attrs: { subject: 'Team' }, content: participants(A, B) }),
    )!;
    expect(node.tag).toBe('group');
    expect(node.attrs).toMatchObject({ subject: 'Team', creator: `${ME}@s.whatsapp.net`, size: '3' });
    const jid = `${node.attrs.id}@g.us`;
    const listed = (node.content as BinaryNode[]).filter((c) => c.tag === 'participant');
    expect(listed.map((p) => [p.attrs.jid, p.attrs.type])).toEqual([
      [`${ME}@s.whatsapp.net`, 'superadmin'],
      [`${A}@s.whatsapp.net`, undefined],
      [`${B}@s.whatsapp.net`, undefined],
    ]);
    expect(notifications).toHaveLength(1);
    expect(notifications[0].node.attrs).toMatchObject({ from: jid, type: 'w:gp2' });
    expect((notifications[0].node.content as BinaryNode[])[0].tag).toBe('create');
    const [again] = answerGroupIq(groups, account, iq(jid, 'get', { tag: 'query', attrs: {} }))!;
    expect(again.attrs.subject).toBe('Team');
  });

  it('reports each participant of a change; only admins change participants; a locked group only admins edit', () => {
    const { groups, store } = setup();
    store.contact('6289990000001');
    store.contact(B).refusesGroupAdd = false;
    const { group } = groups.create(A, 'Theirs', [ME, B]);
    expect(() => groups.participants(group.jid, ME, 'remove', [B])).toThrow(
      expect.objectContaining({ code: 403 }),
    );
    store.contact('6281000000003').refusesGroupAdd = true;
    const results = groups.participants(group.jid, A, 'add', [
      '6281000000003',
      B,
      '9991234567',
      '6281000000004',
    ]);
    expect(results.map((r) => r.code)).toEqual([403, 409, 404, 200]);
    groups.setSubject(group.jid, B, 'By a member');
    groups.setSetting(group.jid, A, 'locked');
    expect(() => groups.setSubject(group.jid, B, 'Again')).toThrow(expect.objectContaining({ code: 403 }));
    expect(() => groups.require('120363999999999999@g.us')).toThrow(GroupError);
    expect(() => groups.require(group.jid, '6280000000099')).toThrow(expect.objectContaining({ code: 401 }));
  });

  it('a member leaving or removed makes the others start new sender keys; invite codes join and revoke', async () => {
    const { groups } = setup();
    const { group } = groups.create(A, 'Keys', [ME, B]);
    const keysOfB = groups.senderKeys(B);
    await keysOfB.encrypt(group.jid, { user: B, device: 0 }, Buffer.from('x'));
    expect(keysOfB.has(group.jid, { user: B, device: 0 })).toBe(true);
    groups.leave(group.jid, ME);
    expect(keysOfB.has(group.jid, { user: B, device: 0 })).toBe(false);
    const code = groups.invite(group.jid, A);
    expect(groups.join(code, ME).jid).toBe(group.jid);
    const fresh = groups.invite(group.jid, A, true);
    expect(fresh).not.toBe(code);
    expect(() => groups.join(code, '6281000000009')).toThrow(expect.objectContaining({ code: 406 }));
  });
});
