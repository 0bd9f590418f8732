import { Injectable } from '@nestjs/common';
import { BadRequestError } from '../common/errors/domain-error';
import { SqlDatabase } from '../database/sql/sql';
import type { StatsQuery } from './dto/stats.query';
import type { StatsView } from './dto/stats.view';
import { resolveStatsRange } from './stats-range';
import { StatsQueries } from './stats.queries';

@Injectable()
export class StatsService {
  private readonly queries: StatsQueries;

  constructor(private readonly sql: SqlDatabase) {
    this.queries = new StatsQueries(sql.engine);
  }

  stats(q: StatsQuery, now = Date.now()): Promise<StatsView> {
    const r = resolveStatsRange(q, now);
    if (!r.ok) throw new BadRequestError('Validation failed', r.details);
    return this.sql.read(() => this.queries.stats(r.range, q.session ?? null, q.reasons ?? 5));
  }
}
