import { mediaPath, pendingMediaDetails, settledMediaDetails } from './media-details';

const info = { mimetype: 'image/png', fileName: null, size: 68, width: 1, height: 1 };

describe('media details', () => {
  it('starts pending, with the route of the file', () => {
    const d = pendingMediaDetails('default', 'msg_1', 'image', info, 'a cat');
    expect(d).toMatchObject({
      type: 'image',
      mimetype: 'image/png',
      size: 68,
      caption: 'a cat',
      status: 'pending',
      reason: null,
      sha256: null,
      url: '/api/sessions/default/messages/msg_1/media',
    });
  });

  it('escapes the session in the url', () => {
    expect(mediaPath('a b', 'msg_1')).toBe('/api/sessions/a%20b/messages/msg_1/media');
  });

  it('takes the hash when available and the reason when not', () => {
    const pending = pendingMediaDetails('default', 'msg_1', 'image', info, null);
    const ok = settledMediaDetails(pending, { status: 'available', reason: 'x', size: 68, sha256: 'ab' });
    expect(ok).toMatchObject({ status: 'available', reason: null, sha256: 'ab', size: 68 });
    const gone = settledMediaDetails(pending, {
      status: 'unavailable',
      reason: 'expired',
      size: null,
      sha256: null,
    });
    expect(gone).toMatchObject({ status: 'unavailable', reason: 'expired', sha256: null, size: 68 });
    const expired = settledMediaDetails(ok, {
      status: 'expired',
      reason: 'retention',
      size: 68,
      sha256: null,
    });
    expect(expired).toMatchObject({ status: 'expired', reason: 'retention', sha256: 'ab' });
  });
});
