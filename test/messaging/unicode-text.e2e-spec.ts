import { startSandboxApp, SandboxApp } from '../support/sandbox-app';
import { waitUntil } from '../support/wait';

/** Astral emoji (with a skin tone and a ZWJ family), combining marks, a musical symbol, mathematical letters. */
const TEXT = 'Halo 👋🏽 👨‍👩‍👧 cafe\u0301 n\u0303\u0308 \u{1D11E} 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ✔\uFE0F';

describe('texts are stored and delivered exactly as sent', () => {
  let t: SandboxApp;
  beforeAll(async () => {
    t = await startSandboxApp({ SEND_MIN_INTERVAL_MS: '0', SEND_JITTER_MS: '0' });
  });
  afterAll(() => t.close());

  it('keeps astral emoji and combining characters byte-identical, in the store and at the contact', async () => {
    const contact = '6281100000077';
    const sent = await t.post('/api/sessions/default/messages', { to: contact, type: 'text', text: TEXT });
    expect(sent.status).toBe(202);

    const stored = await t.get(`/api/sessions/default/messages/${sent.body.id}`).expect(200);
    expect(Buffer.from(stored.body.text, 'utf8').equals(Buffer.from(TEXT, 'utf8'))).toBe(true);

    // The contact's own record, over the sandbox's public route: what the simulated phone decrypted.
    const record = await waitUntil(
      async () => {
        const res = await t.get(`/api/sandbox/contacts/${contact}/messages`);
        return (res.body as { id: string; text?: string }[]).find((m) => m.id === sent.body.waMessageId);
      },
      { what: 'the message at the contact' },
    );
    expect(Buffer.from(record.text ?? '', 'utf8').equals(Buffer.from(TEXT, 'utf8'))).toBe(true);
  });

  it('refuses a text with an unpaired surrogate instead of storing something else', async () => {
    const res = await t.post('/api/sessions/default/messages', {
      to: '6281100000077',
      type: 'text',
      text: 'half an emoji \uD83D',
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'Invalid text',
      details: expect.stringMatching(/^text contains an unpaired/),
    });
  });
});
