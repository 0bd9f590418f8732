import { reasonForStatus } from './media-download-failed';

describe('reasonForStatus', () => {
  it('reads 404 and 410 as a file WhatsApp no longer has', () => {
    expect(reasonForStatus(404)).toBe('expired');
    expect(reasonForStatus(410)).toBe('expired');
  });

  it('reads other 4xx as refused and the rest as worth another try', () => {
    expect(reasonForStatus(403)).toBe('refused');
    expect(reasonForStatus(401)).toBe('refused');
    expect(reasonForStatus(500)).toBe('unreachable');
    expect(reasonForStatus(503)).toBe('unreachable');
  });
});
