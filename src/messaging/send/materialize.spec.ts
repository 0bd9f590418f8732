import type { DownloadResult, MediaDownload } from './media-downloads';
import { materialize, mediaUrlOf } from './materialize';

const download = (result: DownloadResult): MediaDownload => ({
  result: Promise.resolve(result),
  done: true,
  release: () => undefined,
});

describe('materialize', () => {
  it('finds the media URL of a stored request', () => {
    const request = (content: object) => JSON.stringify({ to: 'x@s.whatsapp.net', content });
    expect(mediaUrlOf(request({ type: 'image', media: { url: 'https://cdn.example/a.png' } }))).toBe(
      'https://cdn.example/a.png',
    );
    expect(
      mediaUrlOf(request({ type: 'image', media: { base64: 'AA==', mimetype: 'image/png' } })),
    ).toBeNull();
    expect(mediaUrlOf(request({ type: 'text', text: 'hi' }))).toBeNull();
    expect(mediaUrlOf(null)).toBeNull();
  });

  it('decodes inline media and takes downloaded media with the best known mimetype', async () => {
    const inline = await materialize(
      {
        type: 'image',
        media: { base64: Buffer.from('abc').toString('base64'), mimetype: 'image/png' },
      } as any,
      undefined,
    );
    expect(inline).toMatchObject({ media: { data: Buffer.from('abc'), mimetype: 'image/png' } });
    const fetched = await materialize(
      { type: 'image', media: { url: 'https://cdn.example/a' } } as any,
      download({ ok: true, data: Buffer.from('xyz'), mimetype: 'image/jpeg' }),
    );
    expect(fetched).toMatchObject({ media: { data: Buffer.from('xyz'), mimetype: 'image/jpeg' } });
    const declared = await materialize(
      { type: 'document', mimetype: 'application/pdf', media: { url: 'https://cdn.example/a' } } as any,
      download({ ok: true, data: Buffer.from('%PDF'), mimetype: null }),
    );
    expect(declared).toMatchObject({ media: { mimetype: 'application/pdf' } });
  });

  it('fails with the download reason', async () => {
    await expect(
      materialize(
        { type: 'image', media: { url: 'https://cdn.example/a' } } as any,
        download({ ok: false, reason: 'Media could not be fetched' }),
      ),
    ).rejects.toMatchObject({ details: 'Media could not be fetched' });
  });
});
