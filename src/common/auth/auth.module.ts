import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeyService } from './api-key.service';
import { RouteAuthTable } from './route-auth-table';

@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [ApiKeyService, ApiKeyGuard, RouteAuthTable],
  exports: [ApiKeyService, ApiKeyGuard, RouteAuthTable],
})
export class AuthModule {}
