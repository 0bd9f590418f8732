import { ConsoleLogger, Logger } from '@nestjs/common';
import { AppConfig } from '../../src/config/app-config';
import { AutoReplyRuleEntity } from '../../src/auto-reply/rule.entity';
import { AutoReplyRulesService, IncomingText } from '../../src/auto-reply/rules.service';
import type { CreateAutoReplyRuleDto } from '../../src/auto-reply/dto/create-rule.dto';
import { describeEachEngine } from '../support/both-engines';

/**
 * Medium test: auto-reply rules stored and evaluated (AutoReplyRulesService, which owns their table) on a real
 * SQLite file and a real PostgreSQL database.
 */
describeEachEngine('AutoReplyRulesService storage', (db) => {
  // The services log each change; the test reads the rows instead.
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new ConsoleLogger()));
  let rules: AutoReplyRulesService;
  beforeEach(() => {
    rules = new AutoReplyRulesService(
      db().dataSource.getRepository(AutoReplyRuleEntity),
      Object.assign(new AppConfig(), { database: { engine: db().sql.engine } }),
    );
  });
  const rule = (o: Partial<CreateAutoReplyRuleDto> = {}): CreateAutoReplyRuleDto => ({
    name: 'hours',
    match: 'contains',
    pattern: 'open',
    reply: 'Hi {{name}}, 9-17',
    ...o,
  });
  const incoming = (o: Partial<IncomingText> = {}): IncomingText => ({
    session: 's1',
    chatType: 'direct',
    chat: null,
    text: 'are you open?',
    pushName: 'Ann',
    phone: '15550001111',
    ...o,
  });

  it('stores a rule with its defaults and reads every field back', async () => {
    const created = await rules.create(
      rule({ sessions: ['s1', 's2'], chatTypes: ['direct', 'group'], caseSensitive: true }),
    );
    const read = await rules.get(created.id);
    expect(read).toEqual(created);
    expect(read).toMatchObject({
      sessions: ['s1', 's2'],
      chatTypes: ['direct', 'group'],
      caseSensitive: true,
      enabled: true,
      priority: 100,
      cooldownSeconds: 0,
    });
    expect(typeof read.createdAt).toBe('number');
  });

  it('lists by priority, then age', async () => {
    // created_at is in ms: each rule is created in a later millisecond than the one before.
    const later = async () => {
      const now = Date.now();
      while (Date.now() <= now) await new Promise((resolve) => setImmediate(resolve));
    };
    await rules.create(rule({ name: 'low', priority: 200 }));
    await later();
    await rules.create(rule({ name: 'older', priority: 10 }));
    await later();
    await rules.create(rule({ name: 'newer', priority: 10 }));
    expect((await rules.list()).map((r) => r.name)).toEqual(['older', 'newer', 'low']);
  });

  it('updates and deletes a rule', async () => {
    const created = await rules.create(rule());
    await rules.update(created.id, { enabled: false, sessions: ['s3'], reply: 'closed' });
    expect(await rules.get(created.id)).toMatchObject({ enabled: false, sessions: ['s3'], reply: 'closed' });
    await rules.remove(created.id);
    await expect(rules.get(created.id)).rejects.toThrow(/not found/i);
    await expect(rules.remove(created.id)).rejects.toThrow(/not found/i);
  });

  it('evaluates the stored rules: the first enabled match by priority, reloaded after each change', async () => {
    expect(await rules.evaluate(incoming())).toBeNull();
    const general = await rules.create(rule({ name: 'general', priority: 50 }));
    const specific = await rules.create(rule({ name: 'specific', priority: 5, sessions: ['s2'] }));
    expect(await rules.evaluate(incoming())).toMatchObject({
      rule: { id: general.id },
      reply: 'Hi Ann, 9-17',
    });
    expect((await rules.evaluate(incoming({ session: 's2' })))!.rule.id).toBe(specific.id);
    expect(await rules.evaluate(incoming({ chatType: 'group' }))).toBeNull();
    await rules.update(general.id, { enabled: false });
    expect(await rules.evaluate(incoming())).toBeNull();
  });
});
