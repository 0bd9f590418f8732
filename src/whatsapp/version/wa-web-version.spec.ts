import { formatWaVersion, parseWaVersion, versionFromServiceWorker } from './wa-web-version';

describe('WhatsApp Web versions', () => {
  it('parses and formats a pinned version', () => {
    expect(parseWaVersion('2.3000.1023456789')).toEqual([2, 3000, 1023456789]);
    expect(parseWaVersion(' 2.3000.1 ')).toEqual([2, 3000, 1]);
    expect(formatWaVersion([2, 3000, 1023456789])).toBe('2.3000.1023456789');
    for (const bad of ['auto', '2.3000', '2.3000.x', '2.3000.1.4', ''])
      expect(parseWaVersion(bad)).toBeNull();
  });

  it("reads the client revision from WhatsApp Web's service worker, escaped or not", () => {
    expect(versionFromServiceWorker('self.x={"client_revision":1029384756,"y":1}')).toEqual([
      2, 3000, 1029384756,
    ]);
    expect(versionFromServiceWorker('JSON.parse("{\\"client_revision\\": 1029384757}")')).toEqual([
      2, 3000, 1029384757,
    ]);
    expect(versionFromServiceWorker('<html>captcha</html>')).toBeNull();
  });
});
