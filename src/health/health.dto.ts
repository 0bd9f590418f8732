import { ApiProperty } from '@nestjs/swagger';

const CHECKS = {
  type: 'object',
  additionalProperties: { type: 'object', additionalProperties: true },
} as const;

/** The body of GET /health (@nestjs/terminus's shape): each check with its status, and the failing ones apart. */
export class HealthView {
  @ApiProperty({ enum: ['ok', 'error'], example: 'ok' }) status: 'ok' | 'error';
  @ApiProperty({ ...CHECKS, description: 'The checks that are up' }) info: Record<string, unknown>;
  @ApiProperty({ ...CHECKS, description: 'The checks that are down' }) error: Record<string, unknown>;
  @ApiProperty({ ...CHECKS, description: 'Every check' }) details: Record<string, unknown>;
}

export const HEALTH_UP_EXAMPLE: HealthView = {
  status: 'ok',
  info: {
    database: { status: 'up' },
    heap: { status: 'up' },
    whatsapp: { status: 'up', sessions: { default: 'connected' } },
  },
  error: {},
  details: {
    database: { status: 'up' },
    heap: { status: 'up' },
    whatsapp: { status: 'up', sessions: { default: 'connected' } },
  },
};

export const HEALTH_DOWN_EXAMPLE: HealthView = {
  status: 'error',
  info: { database: { status: 'up' }, heap: { status: 'up' } },
  error: { whatsapp: { status: 'down', sessions: { default: 'disconnected' }, failing: ['default'] } },
  details: {
    database: { status: 'up' },
    heap: { status: 'up' },
    whatsapp: { status: 'down', sessions: { default: 'disconnected' }, failing: ['default'] },
  },
};
