import { ConsoleLogger, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InboundWebhookEntity } from '../../src/webhooks/inbound/inbound-webhook.entity';
import { InboundWebhookResponse } from '../../src/webhooks/inbound/inbound.dto';
import {
  INBOUND_WEBHOOK_EVENT,
  InboundWebhooksService,
} from '../../src/webhooks/inbound/inbound-webhooks.service';
import { describeEachEngine } from '../support/both-engines';

/** Medium test: inbound webhooks stored and listed (InboundWebhooksService) on a real SQLite file and PostgreSQL. */
describeEachEngine('InboundWebhooksService', (db) => {
  // The services log each change; the test reads the rows instead.
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new ConsoleLogger()));
  let service: InboundWebhooksService;
  let emitted: InboundWebhookResponse[];
  beforeEach(() => {
    const emitter = new EventEmitter2();
    emitted = [];
    emitter.on(INBOUND_WEBHOOK_EVENT, (view: InboundWebhookResponse) => emitted.push(view));
    service = new InboundWebhooksService(db().dataSource.getRepository(InboundWebhookEntity), emitter);
  });

  it('stores a webhook as received and tells the listeners', async () => {
    const view = await service.receive(
      { from: '+15550001111', message: 'hello', timestamp: 1_700_000_000 },
      'hub-signature',
    );
    expect(view).toMatchObject({
      id: expect.stringMatching(/^inb_/),
      from: '+15550001111',
      message: 'hello',
      timestamp: 1_700_000_000,
      verifiedBy: 'hub-signature',
    });
    expect(emitted).toEqual([view]);
    const { items } = await service.list();
    expect(items).toEqual([view]);
  });

  it('keeps an absent timestamp as null', async () => {
    await service.receive({ from: 'a', message: 'b' }, 'api-key');
    expect((await service.list()).items[0].timestamp).toBeNull();
  });

  it('lists newest first, page by page, without gaps or repeats', async () => {
    for (let i = 0; i < 11; i++) await service.receive({ from: 'x', message: `m${i}` }, 'standard-webhooks');
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await service.list(4, cursor);
      sizes.push(page.items.length);
      seen.push(...page.items.map((i) => i.message));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(sizes).toEqual([4, 4, 3]);
    expect(seen).toEqual(Array.from({ length: 11 }, (_, i) => `m${10 - i}`));
  });
});
