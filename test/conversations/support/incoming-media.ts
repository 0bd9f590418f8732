import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { ReceivedRequest } from '../../webhooks/support/receiver';
import type { SandboxApp } from '../../support/sandbox-app';
import { waitUntil } from '../../support/wait';

export const CONTACT = '6281234500001';

/** A real PNG (2x2 pixels), a small PDF and an Opus voice-note header: what a phone would send. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64',
);
export const PDF = Buffer.concat([
  Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n'),
  randomBytes(3000),
  Buffer.from('\n%%EOF\n'),
]);
export const VOICE = Buffer.concat([Buffer.from('OggS'), randomBytes(5000)]);

/** A WhatsApp-style message id, so a test can prepare the media host before the contact sends it. */
export function waId(): string {
  return `3EB0${randomBytes(8).toString('hex').toUpperCase()}`;
}

/** The parsed webhook events the receiver got. */
export function webhookEvents(requests: ReceivedRequest[]): any[] {
  return requests.map((r) => JSON.parse(r.body));
}

/** Waits for a webhook event of `type` about the message with this WhatsApp id (and matching `extra`). */
export function waitForHook(
  requests: ReceivedRequest[],
  type: string,
  wa: string,
  extra: (e: any) => boolean = () => true,
  timeoutMs = 20_000,
): Promise<any> {
  return waitUntil(
    () => webhookEvents(requests).find((e) => e.type === type && e.data?.waMessageId === wa && extra(e)),
    { timeoutMs, what: `${type} for ${wa}` },
  );
}

/** GETs a gateway path (as the media url gives it) with the API key, the body as bytes. */
export function fetchMedia(t: SandboxApp, url: string, apiKey = t.apiKey) {
  return request(t.url)
    .get(url)
    .set('X-API-Key', apiKey)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
}
