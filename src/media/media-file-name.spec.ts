import { baseMimetype, mediaFileName } from './media-file-name';

describe('mediaFileName', () => {
  it("keeps a document's own name, without directories or control characters", () => {
    expect(mediaFileName('msg_1', 'invoice.pdf', 'application/pdf')).toBe('invoice.pdf');
    expect(mediaFileName('msg_1', '../../etc/passwd', null)).toBe('passwd');
    expect(mediaFileName('msg_1', 'C:\\x\\report\u0007.pdf', null)).toBe('report.pdf');
    expect(mediaFileName('msg_1', 'Übersicht 2026.pdf', null)).toBe('Übersicht 2026.pdf');
  });

  it('names other media after the message and its mimetype', () => {
    expect(mediaFileName('msg_1', null, 'image/jpeg')).toBe('msg_1.jpg');
    expect(mediaFileName('msg_1', '', 'audio/ogg; codecs=opus')).toBe('msg_1.ogg');
    expect(mediaFileName('msg_1', '..', 'application/x-unknown')).toBe('msg_1.bin');
    expect(mediaFileName('msg_1', null, null)).toBe('msg_1.bin');
  });
});

describe('baseMimetype', () => {
  it('drops parameters and refuses what is not a media type', () => {
    expect(baseMimetype('Audio/OGG; codecs=opus')).toBe('audio/ogg');
    expect(baseMimetype('text/html\r\nX-Evil: 1')).toBeNull();
    expect(baseMimetype(null)).toBeNull();
  });
});
