import { Module } from '@nestjs/common';
import { StatsController } from './stats.controller';
import { StatsService } from './stats.service';

/** GET /api/stats: aggregates for the console's dashboard and for monitoring. */
@Module({ controllers: [StatsController], providers: [StatsService] })
export class StatsModule {}
