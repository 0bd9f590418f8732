import { AppConfig } from '../config/app-config';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { BadRequestError, NotFoundError } from '../common/errors/domain-error';
import { CreateAutoReplyRuleDto } from './dto/create-rule.dto';
import { UpdateAutoReplyRuleDto } from './dto/update-rule.dto';
import { PLACEHOLDERS, renderReply, unknownPlaceholders } from './reply-template';
import { compileMatcher, PatternError, TextMatcher } from './rule-matcher';
import { AutoReplyRuleEntity, RuleChatType } from './rule.entity';
import { inScope } from './rule-scope';

/** What rule evaluation needs to know about an incoming message. */
export interface IncomingText {
  session: string;
  chatType: string;
  /** The chat's JID (a group's, for group messages). */
  chat: string | null;
  text: string;
  pushName: string | null;
  phone: string | null;
}

export interface RuleDecision {
  rule: AutoReplyRuleEntity;
  reply: string;
}

interface CompiledRule {
  rule: AutoReplyRuleEntity;
  matches: TextMatcher;
}

const DEFAULTS = {
  caseSensitive: false,
  sessions: ['*'],
  chatTypes: ['direct'] as RuleChatType[],
  groups: [] as string[],
  priority: 100,
  enabled: true,
  cooldownSeconds: 0,
};
const SAFE_NAME = /^[A-Za-z0-9_.-]{1,40}$/;
/** Evaluation order: lowest priority number first, then the older rule. */
/** How long PostgreSQL's rules are trusted without a look at the table (changes made on another node). */
const SHARED_RULES_TTL_MS = 1000;

const ORDER = { priority: 'ASC', createdAt: 'ASC', id: 'ASC' } as const;

/**
 * Auto-reply rules: storage, validation (patterns and templates are checked when saved) and evaluation. Enabled
 * rules are kept compiled in memory, in evaluation order, and reloaded after every change. On PostgreSQL they
 * are also reloaded when older than a second: another node of the cluster may have changed them.
 */
@Injectable()
export class AutoReplyRulesService {
  private readonly logger = new Logger(AutoReplyRulesService.name);
  private compiled: Promise<CompiledRule[]> | null = null;
  private loadedAt = 0;
  private readonly shared: boolean;

  constructor(
    @InjectRepository(AutoReplyRuleEntity) private readonly repo: Repository<AutoReplyRuleEntity>,
    config: AppConfig,
  ) {
    this.shared = config.database?.engine === 'postgres';
  }

  list(): Promise<AutoReplyRuleEntity[]> {
    return this.repo.find({ order: ORDER });
  }

  async get(id: string): Promise<AutoReplyRuleEntity> {
    const rule = await this.repo.findOneBy({ id });
    if (!rule) throw new NotFoundError('Auto-reply rule', id);
    return rule;
  }

  async create(dto: CreateAutoReplyRuleDto): Promise<AutoReplyRuleEntity> {
    const now = Date.now();
    const rule = this.repo.create({
      ...DEFAULTS,
      ...defined(dto),
      id: `rule_${randomUUID().replace(/-/g, '').slice(0, 24)}`,
      createdAt: now,
      updatedAt: now,
    });
    checkRule(rule);
    await this.repo.insert(rule);
    this.invalidate();
    this.logger.log(`Auto-reply rule ${rule.id} created`);
    return rule;
  }

  async update(id: string, dto: UpdateAutoReplyRuleDto): Promise<AutoReplyRuleEntity> {
    const rule = await this.get(id);
    Object.assign(rule, defined(dto), { updatedAt: Date.now() });
    checkRule(rule);
    await this.repo.save(rule);
    this.invalidate();
    this.logger.log(`Auto-reply rule ${id} updated`);
    return rule;
  }

  async remove(id: string): Promise<void> {
    const result = await this.repo.delete({ id });
    if (!result.affected) throw new NotFoundError('Auto-reply rule', id);
    this.invalidate();
    this.logger.log(`Auto-reply rule ${id} deleted`);
  }

  /** The first enabled rule (by priority) that applies to this session and chat type and matches the text. */
  async evaluate(input: IncomingText): Promise<RuleDecision | null> {
    for (const { rule, matches } of await this.activeRules()) {
      if (!rule.sessions.includes('*') && !rule.sessions.includes(input.session)) continue;
      if (!inScope(rule, input.chatType, input.chat)) continue;
      if (!matches(input.text)) continue;
      const reply = renderReply(rule.reply, {
        name: input.pushName || input.phone || '',
        phone: input.phone ?? '',
        text: input.text,
        session: input.session,
      });
      return { rule, reply };
    }
    return null;
  }

  private invalidate(): void {
    this.compiled = null;
  }

  private activeRules(): Promise<CompiledRule[]> {
    if (this.shared && performance.now() - this.loadedAt > SHARED_RULES_TTL_MS) this.compiled = null;
    if (!this.compiled) {
      this.loadedAt = performance.now();
      const loading = this.load();
      this.compiled = loading;
      // A failed load is not cached: the next message tries again.
      loading.catch(() => {
        if (this.compiled === loading) this.compiled = null;
      });
    }
    return this.compiled;
  }

  private async load(): Promise<CompiledRule[]> {
    const rules = await this.repo.find({ where: { enabled: true }, order: ORDER });
    const compiled: CompiledRule[] = [];
    for (const rule of rules) {
      try {
        compiled.push({ rule, matches: compileMatcher(rule) });
      } catch (err) {
        // Only possible for a row written outside the API; one bad rule must not silence the others.
        this.logger.warn(`Auto-reply rule ${rule.id} is skipped: ${(err as Error).message}`);
      }
    }
    return compiled;
  }
}

/** The fields the caller actually gave (a DTO instance may carry its absent optional fields as `undefined`). */
function defined<T extends object>(dto: T): Partial<T> {
  return Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The checks a DTO cannot express: the pattern compiles (cheaply), the template is known, sessions make sense. */
function checkRule(rule: AutoReplyRuleEntity): void {
  try {
    compileMatcher(rule);
  } catch (err) {
    if (err instanceof PatternError) throw new BadRequestError('Invalid pattern', err.message);
    throw err;
  }
  const unknown = unknownPlaceholders(rule.reply);
  if (unknown.length) {
    const named = unknown.filter((n) => SAFE_NAME.test(n)).map((n) => `{{${n}}}`);
    const what = named.length ? named.join(', ') : 'a malformed placeholder';
    throw new BadRequestError(
      'Invalid reply template',
      `reply uses ${what}; the placeholders are ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`,
    );
  }
  if (rule.sessions.includes('*') && rule.sessions.length > 1) {
    throw new BadRequestError(
      'Validation failed',
      'sessions: "*" (every session) cannot be combined with ids',
    );
  }
}
