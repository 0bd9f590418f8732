import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponse } from '../common/errors/error-response';
import { AppConfig } from '../config/app-config';
import { EVENT_TYPES } from '../events/domain-event';
import { SessionOwners } from '../cluster/session-owners';

const pkg = require('../../package.json') as { name: string; version: string };

export class InfoResponse {
  @ApiProperty({ example: 'wa-gateway' }) name: string;
  @ApiProperty({ example: '0.1.0' }) version: string;
  @ApiProperty({
    example: false,
    description: 'True when the simulated WhatsApp network is running in-process',
  })
  sandbox: boolean;
  @ApiProperty({ example: 12.5, description: 'Seconds since the process started' }) uptimeSeconds: number;
  @ApiProperty({ example: '2026-11-25T10:00:00.000Z' }) serverTime: string;
  @ApiProperty({
    type: [String],
    example: EVENT_TYPES,
    description: 'Event types a webhook endpoint can subscribe to (its `events`; ["*"] subscribes to all)',
  })
  webhookEvents: string[];
  @ApiProperty({
    enum: ['sqlite', 'postgres'],
    example: 'sqlite',
    description: 'The database engine (SQLite by default, PostgreSQL with DATABASE_URL); never its location',
  })
  database: 'sqlite' | 'postgres';
  @ApiProperty({
    example: 'n1',
    nullable: true,
    type: String,
    description: 'On PostgreSQL, this node of the cluster (see GET /api/cluster); null on SQLite',
  })
  node: string | null;
}

@ApiTags('info')
@Controller('api/info')
export class InfoController {
  constructor(
    private readonly config: AppConfig,
    private readonly owners: SessionOwners,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Gateway version and mode; also a cheap way to check that an API key works' })
  @ApiOkResponse({ type: InfoResponse })
  @ApiUnauthorizedResponse({ type: ErrorResponse })
  get(): InfoResponse {
    return {
      name: pkg.name,
      version: pkg.version,
      sandbox: this.config.SANDBOX,
      uptimeSeconds: Math.round(process.uptime() * 10) / 10,
      serverTime: new Date().toISOString(),
      webhookEvents: [...EVENT_TYPES],
      database: this.config.database.engine,
      node: this.owners.nodeId,
    };
  }
}
