import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { WhatsAppModule } from '../whatsapp/whatsapp.module';
import { ClusterBus } from './cluster-bus';
import { ClusterController } from './cluster.controller';
import { ClusterHealthIndicator } from './cluster.health';
import { LeaseKeeper } from './leases/lease-keeper';

/** The node's keeper, its signals, `GET /api/cluster` and the cluster's health check. */
@Module({
  imports: [WhatsAppModule, TerminusModule],
  controllers: [ClusterController],
  providers: [ClusterBus, LeaseKeeper, ClusterHealthIndicator],
})
export class ClusterNodeModule {}
