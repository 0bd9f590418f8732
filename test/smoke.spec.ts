import * as baileys from '@whiskeysockets/baileys';
it('loads baileys', () => {
  expect(typeof baileys.makeWASocket).toBe('function');
  expect(typeof baileys.encodeBinaryNode).toBe('function');
});
