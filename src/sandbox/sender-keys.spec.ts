import { SenderKeys, type SenderKeyState } from './sender-keys';

const GROUP = '120363000000000001@g.us';
const alice = { user: '628000000001', device: 0 };

describe('SenderKeys', () => {
  it('a member decrypts a group message after the distribution message, in order and out of order', async () => {
    const sender = new SenderKeys({});
    const member = new SenderKeys({});
    const first = await sender.encrypt(GROUP, alice, Buffer.from('one'));
    await member.process(GROUP, alice, first.skdm);
    const second = await sender.encrypt(GROUP, alice, Buffer.from('two'));
    const third = await sender.encrypt(GROUP, alice, Buffer.from('three'));
    expect((await member.decrypt(GROUP, alice, third.skmsg)).toString()).toBe('three');
    expect((await member.decrypt(GROUP, alice, first.skmsg)).toString()).toBe('one');
    expect((await member.decrypt(GROUP, alice, second.skmsg)).toString()).toBe('two');
  });

  it('without the distribution message nothing decrypts; a rotated key needs a new one', async () => {
    const senderState: SenderKeyState = {};
    const sender = new SenderKeys(senderState);
    const member = new SenderKeys({});
    const outsider = new SenderKeys({});
    const first = await sender.encrypt(GROUP, alice, Buffer.from('one'));
    await member.process(GROUP, alice, first.skdm);
    await expect(outsider.decrypt(GROUP, alice, first.skmsg)).rejects.toThrow();
    sender.rotate(GROUP, alice);
    const after = await sender.encrypt(GROUP, alice, Buffer.from('after'));
    expect(after.skdm.equals(first.skdm)).toBe(false);
    await expect(member.decrypt(GROUP, alice, after.skmsg)).rejects.toThrow();
    await member.process(GROUP, alice, after.skdm);
    expect((await member.decrypt(GROUP, alice, after.skmsg)).toString()).toBe('after');
  });

  it('its state survives a JSON round trip (the state file)', async () => {
    const senderState: SenderKeyState = {};
    const memberState: SenderKeyState = {};
    const first = await new SenderKeys(senderState).encrypt(GROUP, alice, Buffer.from('one'));
    await new SenderKeys(memberState).process(GROUP, alice, first.skdm);
    const restoredSender = new SenderKeys(JSON.parse(JSON.stringify(senderState)) as SenderKeyState);
    const restoredMember = new SenderKeys(JSON.parse(JSON.stringify(memberState)) as SenderKeyState);
    const next = await restoredSender.encrypt(GROUP, alice, Buffer.from('next'));
    expect((await restoredMember.decrypt(GROUP, alice, next.skmsg)).toString()).toBe('next');
    expect(restoredMember.has(GROUP, alice)).toBe(true);
  });
});
