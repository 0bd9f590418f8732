import * as path from 'node:path';
import { ConfigError, loadConfig } from './load-config';
import { mediaDir } from './media-config';

const load = (env: Record<string, string>) => loadConfig(env, '/nonexistent/.env');

describe('media settings', () => {
  it('defaults: files under DATA_DIR/media, 64 MiB, kept forever, no bucket', () => {
    const c = load({ DATA_DIR: '/srv/gw' });
    expect(mediaDir(c)).toBe(path.join('/srv/gw', 'media'));
    expect(c.MEDIA_INBOUND_MAX_BYTES).toBe(64 * 1024 * 1024);
    expect(c.MEDIA_RETENTION_DAYS).toBe(0);
    expect(c.MEDIA_S3_BUCKET).toBeUndefined();
    expect(c.MEDIA_S3_FORCE_PATH_STYLE).toBe(false);
  });

  it('reads the bucket settings', () => {
    const c = load({
      MEDIA_DIR: '/var/media',
      MEDIA_S3_BUCKET: 'wa-media',
      MEDIA_S3_ENDPOINT: 'http://127.0.0.1:9000',
      MEDIA_S3_ACCESS_KEY_ID: 'id',
      MEDIA_S3_SECRET_ACCESS_KEY: 'secret',
      MEDIA_S3_FORCE_PATH_STYLE: 'true',
      MEDIA_RETENTION_DAYS: '30',
    });
    expect(mediaDir(c)).toBe('/var/media');
    expect(c).toMatchObject({
      MEDIA_S3_BUCKET: 'wa-media',
      MEDIA_S3_FORCE_PATH_STYLE: true,
      MEDIA_RETENTION_DAYS: 30,
    });
  });

  it('refuses bad values, naming them', () => {
    expect(() => load({ MEDIA_INBOUND_MAX_BYTES: 'lots' })).toThrow(/MEDIA_INBOUND_MAX_BYTES/);
    expect(() => load({ MEDIA_RETENTION_DAYS: '-1' })).toThrow(/MEDIA_RETENTION_DAYS/);
    expect(() => load({ MEDIA_S3_ENDPOINT: 'not a url' })).toThrow(/MEDIA_S3_ENDPOINT/);
    expect(() => load({ MEDIA_S3_ACCESS_KEY_ID: 'id' })).toThrow(ConfigError);
    expect(() => load({ MEDIA_S3_ACCESS_KEY_ID: 'id' })).toThrow(/set both or neither/);
  });
});
