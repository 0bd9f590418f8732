import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { SandboxHost } from './sandbox-host';

/** Provides the SandboxHost (its `sandbox` is null unless SANDBOX=true) to the engine and the control routes. */
@Global()
@Module({
  providers: [
    {
      provide: SandboxHost,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => SandboxHost.create(config),
    },
  ],
  exports: [SandboxHost],
})
export class SandboxCoreModule {}
