import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppConfig } from '../../config/app-config';
import { waitUntil } from '../../../test/support/wait';
import { MediaDownloads } from './media-downloads';

/** A real local server: `/n/<bytes>` answers that many bytes; `/hold/<bytes>` answers once released. */
class Source {
  private readonly held: (() => void)[] = [];
  readonly requests: string[] = [];
  open = 0;
  maxOpen = 0;
  readonly server = http.createServer((req, res) => {
    this.requests.push(req.url ?? '');
    this.maxOpen = Math.max(this.maxOpen, ++this.open);
    res.on('close', () => this.open--);
    const [, kind, n] = (req.url ?? '').split('/');
    const send = () => res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.alloc(Number(n), 1));
    if (kind === 'hold') this.held.push(send);
    else send();
  });
  port = 0;
  async listen() {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
  }
  url = (path: string) => `http://127.0.0.1:${this.port}${path}`;
  releaseAll() {
    for (const send of this.held.splice(0)) send();
  }
  close() {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(r));
  }
}

const config = (settings: Partial<AppConfig>) =>
  Object.assign(new AppConfig(), { MEDIA_ALLOWED_CIDRS: '127.0.0.1/32' }, settings);

describe('MediaDownloads', () => {
  const source = new Source();
  const open: MediaDownloads[] = [];
  const downloads = (settings: Partial<AppConfig> = {}) => {
    const d = new MediaDownloads(config(settings));
    open.push(d);
    return d;
  };
  beforeAll(() => source.listen());
  afterEach(() => {
    source.releaseAll();
    for (const d of open.splice(0)) d.onApplicationShutdown();
  });
  afterAll(() => source.close());

  it('downloads through the address policy; media settings default to the webhook ones', async () => {
    const ok = await downloads().start(source.url('/n/10')).result;
    expect(ok).toMatchObject({ ok: true, mimetype: 'image/png' });
    expect(ok.ok && ok.data.length).toBe(10);
    const strict = downloads({ MEDIA_ALLOWED_CIDRS: undefined });
    expect(await strict.start(source.url('/n/10')).result).toEqual({
      ok: false,
      reason: 'Media URL refused: address not allowed',
    });
    const viaWebhook = downloads({ MEDIA_ALLOWED_CIDRS: undefined, WEBHOOK_ALLOW_PRIVATE_NETWORKS: true });
    expect((await viaWebhook.start(source.url('/n/10')).result).ok).toBe(true);
    const mediaOwn = downloads({
      MEDIA_ALLOWED_CIDRS: undefined,
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: true,
      MEDIA_ALLOW_PRIVATE_NETWORKS: false,
    });
    expect((await mediaOwn.start(source.url('/n/10')).result).ok).toBe(false);
  });

  it('caps the size and the time of a download', async () => {
    const d = downloads({ MEDIA_MAX_BYTES: 1024, MEDIA_FETCH_TIMEOUT_MS: 200 });
    expect(await d.start(source.url('/n/2048')).result).toEqual({
      ok: false,
      reason: 'Media too large: the limit is 1024 bytes (MEDIA_MAX_BYTES)',
    });
    expect(await d.start(source.url('/hold/10')).result).toEqual({
      ok: false,
      reason: 'Media could not be fetched',
    });
    expect(d.stats()).toEqual({ running: 0, waiting: 0, heldBytes: 0 });
  });

  it('runs at most MEDIA_FETCH_CONCURRENCY downloads at once', async () => {
    const d = downloads({ MEDIA_FETCH_CONCURRENCY: 2 });
    source.requests.splice(0);
    source.maxOpen = 0;
    const all = [1, 2, 3, 4].map((n) => d.start(source.url(`/hold/${n}`)));
    expect(d.stats()).toMatchObject({ running: 2, waiting: 2 });
    // Both running downloads reach the server and are held there; the other two wait for a slot.
    await waitUntil(() => source.open === 2 || null, { timeoutMs: 5000, intervalMs: 10, what: 'two held' });
    expect(source.open).toBe(2);
    // Answer what the server holds until all four have been answered.
    while (!all.every((x) => x.done)) {
      source.releaseAll();
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(source.maxOpen).toBe(2);
    expect(source.requests.sort()).toEqual(['/hold/1', '/hold/2', '/hold/3', '/hold/4']);
    const sizes = await Promise.all(
      all.map(async (x) => ((r) => (r.ok ? r.data.length : -1))(await x.result)),
    );
    expect(sizes).toEqual([1, 2, 3, 4]);
    expect(d.stats()).toEqual({ running: 0, waiting: 0, heldBytes: 10 });
    for (const x of all) x.release();
    expect(d.stats().heldBytes).toBe(0);
  });

  it('starts no download while MEDIA_PREFETCH_MAX_BYTES of media is held, until it is released', async () => {
    const d = downloads({ MEDIA_PREFETCH_MAX_BYTES: 100 });
    const first = d.start(source.url('/n/150'));
    await first.result;
    expect(d.stats()).toEqual({ running: 0, waiting: 0, heldBytes: 150 });
    const second = d.start(source.url('/n/10'));
    expect(d.stats()).toMatchObject({ running: 0, waiting: 1 });
    first.release();
    expect((await second.result).ok).toBe(true);
    second.release();
    expect(d.stats()).toEqual({ running: 0, waiting: 0, heldBytes: 0 });
  });

  it('releasing a waiting or running download drops it', async () => {
    const d = downloads({ MEDIA_FETCH_CONCURRENCY: 1 });
    const running = d.start(source.url('/hold/5'));
    const waiting = d.start(source.url('/n/5'));
    waiting.release();
    running.release();
    expect(await waiting.result).toMatchObject({ ok: false });
    expect(await running.result).toMatchObject({ ok: false });
    expect(d.stats()).toEqual({ running: 0, waiting: 0, heldBytes: 0 });
  });
});
