import { clientVersionOf, isOlder, parseClientVersion } from './client-version';

describe('client versions', () => {
  it('parses a version and compares part by part', () => {
    expect(parseClientVersion('2.3000.1023456789')).toEqual([2, 3000, 1023456789]);
    expect(() => parseClientVersion('2.3000')).toThrow(/not a WhatsApp Web version/);
    expect(isOlder([2, 3000, 1], [2, 3000, 2])).toBe(true);
    expect(isOlder([2, 2999, 9999999999], [2, 3000, 1])).toBe(true);
    expect(isOlder([2, 3000, 2], [2, 3000, 2])).toBe(false);
    expect(isOlder([3, 0, 0], [2, 3000, 2])).toBe(false);
  });

  it("reads the version from the client's payload", () => {
    expect(
      clientVersionOf({ userAgent: { appVersion: { primary: 2, secondary: 3000, tertiary: 7 } } }),
    ).toEqual([2, 3000, 7]);
    expect(clientVersionOf({})).toEqual([0, 0, 0]);
  });
});
