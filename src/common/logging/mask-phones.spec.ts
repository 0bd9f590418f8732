import { maskPhones } from './mask-phones';

describe('maskPhones', () => {
  it('keeps the prefix and the last 4 digits', () => {
    expect(maskPhones('6281234567890')).toBe('62812****7890');
    expect(maskPhones('+6281234567890')).toBe('+62812****7890');
    expect(maskPhones('14155550123')).toBe('14155****0123');
  });

  it('masks numbers inside text, JIDs and paths', () => {
    expect(maskPhones('linked to 6280000000001')).toBe('linked to 62800****0001');
    expect(maskPhones('6281234567890@s.whatsapp.net')).toBe('62812****7890@s.whatsapp.net');
    expect(maskPhones('6281234567890:12@s.whatsapp.net')).toBe('62812****7890:12@s.whatsapp.net');
    expect(maskPhones('/api/sandbox/contacts/6281234567890/messages')).toBe(
      '/api/sandbox/contacts/62812****7890/messages',
    );
    expect(maskPhones('to=6281234567890&x=1')).toBe('to=62812****7890&x=1');
    expect(maskPhones('a 6281234567890, b 6289876543210.')).toBe('a 62812****7890, b 62898****3210.');
  });

  it('leaves short numbers, ids and UUIDs alone', () => {
    for (const text of [
      'status 515',
      'reconnecting in 1.5 s',
      '123456789',
      '550e8400-e29b-41d4-a716-446655440000',
      '3EB01234567890ABCDEF',
      'msg_6281234567890',
      '1234567890123456',
    ]) {
      expect(maskPhones(text)).toBe(text);
    }
  });
});
