import { InspectorStore } from './inspector-store';
import type { SignatureCheck } from './signature-check';

const unsigned: SignatureCheck = { valid: false, status: 'unsigned', endpointId: null, detail: 'none' };
const post = (bin: string, body: string, headers: Record<string, string> = {}) => ({
  bin,
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  rawBody: Buffer.from(body),
  signature: unsigned,
});

describe('InspectorStore', () => {
  it('lists a bin newest first with the event type read from the body', () => {
    const store = new InspectorStore();
    store.record(post('a', '{"type":"message.received"}', { 'webhook-id': 'evt_1' }));
    store.record(post('b', '{"type":"session.status"}'));
    store.record(post('a', 'not json'));
    const a = store.list('a');
    expect(a.map((r) => r.eventType)).toEqual([null, 'message.received']);
    expect(a[1]).toMatchObject({ webhookId: 'evt_1', contentType: 'application/json', bodyBytes: 27 });
    expect(store.list('b')).toHaveLength(1);
  });

  it('keeps at most maxRequests in all, dropping the oldest', () => {
    const store = new InspectorStore(3, 1024);
    for (let i = 0; i < 5; i++) store.record(post(i % 2 ? 'odd' : 'even', `{"n":${i}}`));
    expect([...store.list('even'), ...store.list('odd')].map((r) => JSON.parse(r.body).n).sort()).toEqual([
      2, 3, 4,
    ]);
  });

  it('cuts long bodies and header values', () => {
    const store = new InspectorStore(10, 8);
    const r = store.record(post('a', '{"type":"message.received"}', { 'x-long': 'v'.repeat(5000) }));
    expect(r).toMatchObject({ body: '{"type":', truncated: true, bodyBytes: 27, eventType: null });
    expect(r.headers['x-long'].length).toBeLessThanOrEqual(1001);
  });

  it('clears one bin', () => {
    const store = new InspectorStore();
    store.record(post('a', '{}'));
    store.record(post('b', '{}'));
    expect(store.clear('a')).toBe(1);
    expect(store.list('a')).toEqual([]);
    expect(store.list('b')).toHaveLength(1);
  });
});
