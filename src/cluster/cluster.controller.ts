import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProperty,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { BadRequestError, ConflictError, DomainError } from '../common/errors/domain-error';
import { ErrorResponse } from '../common/errors/error-response';
import { AppConfig } from '../config/app-config';
import { SessionNotFound } from '../whatsapp/sessions/session.errors';
import { SessionHosting } from '../whatsapp/sessions/session-hosting';
import { ClusterView, toClusterView } from './cluster.view';
import { LeaseKeeper } from './leases/lease-keeper';
import { LeaseStore } from './leases/lease.store';
import { LeaseTable } from './leases/lease-table';

export class MoveSessionDto {
  @ApiProperty({ example: 'n2', description: 'The node to run the session on' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, { message: 'node must be a node id' })
  node: string;
}

export class MoveView {
  @ApiProperty({ example: 'sales' }) session: string;
  @ApiProperty({ example: 'n1' }) from: string;
  @ApiProperty({ example: 'n2' }) to: string;
}

const notClustered = () =>
  new ConflictError('Not a cluster', 'This gateway runs on SQLite: one process owns every session');

@ApiTags('cluster')
@ApiUnauthorizedResponse({ type: ErrorResponse, description: 'Missing or invalid API key' })
@Controller('api')
export class ClusterController {
  constructor(
    private readonly table: LeaseTable,
    private readonly store: LeaseStore,
    private readonly keeper: LeaseKeeper,
    private readonly manager: SessionHosting,
    private readonly config: AppConfig,
  ) {}

  @Get('cluster')
  @ApiOperation({
    summary: 'The nodes of the cluster and who owns each session',
    description:
      'Nodes with their heartbeat age, capacity and owned sessions; each session with its owner and lease.',
  })
  @ApiOkResponse({ type: ClusterView })
  @ApiConflictResponse({ type: ErrorResponse, description: 'Not a cluster (SQLite)' })
  async cluster(): Promise<ClusterView> {
    if (!this.table.clustered) throw notClustered();
    return toClusterView(await this.store.snapshot(), this.table.nodeId!, this.config.CLUSTER_LEASE_MS);
  }

  @Post('sessions/:id/move')
  @HttpCode(202)
  @ApiParam({ name: 'id', example: 'sales' })
  @ApiOperation({
    summary: 'Move a session to another node',
    description:
      'Its connection closes on the owner and opens on `node` (no new QR). Answered by the owner: another node ' +
      'forwards the call to it.',
  })
  @ApiAcceptedResponse({ type: MoveView })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'Unknown node, not live, or full' })
  @ApiNotFoundResponse({ type: ErrorResponse })
  @ApiConflictResponse({ type: ErrorResponse, description: 'Not a cluster, or already on that node' })
  @ApiServiceUnavailableResponse({
    type: ErrorResponse,
    description: 'No live owner now, or its connection did not report its close (the lease then runs out)',
  })
  async move(@Param('id') id: string, @Body() dto: MoveSessionDto): Promise<MoveView> {
    if (!this.table.clustered) throw notClustered();
    if (!this.manager.has(id)) throw new SessionNotFound(id);
    if (dto.node === this.table.nodeId)
      throw new ConflictError('Already there', `Session "${id}" runs on ${dto.node}`);
    if (!this.table.holds(id))
      throw new DomainError(503, 'Session is being moved', `Session "${id}" has no live owner right now`);
    const view = toClusterView(await this.store.snapshot(), this.table.nodeId!, this.config.CLUSTER_LEASE_MS);
    const target = view.nodes.find((n) => n.id === dto.node);
    if (!target) throw new BadRequestError('Unknown node', `No node "${dto.node}" in the cluster`);
    if (!target.live)
      throw new BadRequestError('Node not live', `Node "${dto.node}" has no recent heartbeat`);
    if (target.sessions >= target.maxSessions)
      throw new BadRequestError(
        'Node full',
        `Node "${dto.node}" owns ${target.sessions} of ${target.maxSessions}`,
      );
    const moved = await this.keeper.move(id, dto.node);
    return { session: id, ...moved };
  }
}
