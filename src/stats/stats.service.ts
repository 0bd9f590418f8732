import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BadRequestError } from '../common/errors/domain-error';
import { rawDb } from '../database/serialized-transactions';
import type { StatsQuery } from './dto/stats.query';
import type { StatsView } from './dto/stats.view';
import { resolveStatsRange } from './stats-range';
import { StatsQueries } from './stats.queries';

@Injectable()
export class StatsService {
  private queries?: StatsQueries;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  stats(q: StatsQuery, now = Date.now()): StatsView {
    const r = resolveStatsRange(q, now);
    if (!r.ok) throw new BadRequestError('Validation failed', r.details);
    this.queries ??= new StatsQueries(rawDb(this.dataSource));
    return this.queries.stats(r.range, q.session ?? null, q.reasons ?? 5);
  }
}
