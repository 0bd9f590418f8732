import { WhatsAppSandbox } from '../../src/sandbox/whatsapp-sandbox';
import { BaileysTestClient } from './baileys-test-client';

export interface LinkedClient {
  sandbox: WhatsAppSandbox;
  client: BaileysTestClient;
  /** The simulated account's phone number. */
  phone: string;
}

/**
 * Registers beforeAll/afterAll for a describe block: a fresh sandbox and one real Baileys client linked to it.
 * The returned object is filled in by beforeAll; read its fields inside tests.
 */
export function useLinkedClient(): LinkedClient {
  const ctx = {} as LinkedClient;
  beforeAll(async () => {
    ctx.sandbox = await WhatsAppSandbox.start({ port: 0 });
    ctx.client = new BaileysTestClient(ctx.sandbox);
    ({ phone: ctx.phone } = await ctx.client.link());
  });
  afterAll(async () => {
    await ctx.client?.end();
    await ctx.sandbox?.stop();
  });
  return ctx;
}
