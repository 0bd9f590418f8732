import { availableParallelism } from 'node:os';
import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { SandboxHost } from '../sandbox/control/sandbox-host';
import { BAILEYS_OPTIONS, BaileysOptions } from './engine/baileys/baileys-options';
import { BaileysEngine } from './engine/baileys/baileys.engine';
import { EngineThread } from './engine/thread/engine-thread';
import { WhatsAppEngine } from './engine/whatsapp-engine';
import { SeedSessionController } from './seed/seed-session.controller';
import { SessionManager } from './sessions/session-manager';
import { SessionEntity } from './sessions/session.entity';
import { SessionStore } from './sessions/session.store';
import { SessionsController } from './sessions/sessions.controller';
import { SessionHosting } from './sessions/session-hosting';
import { SessionsFacade } from './sessions/sessions.facade';
import { SessionsService } from './sessions/sessions.service';
import { resolveLogFormat } from '../common/logging/pino-logger';
import { WaVersionService } from './version/wa-version.service';
import { WhatsAppHealthIndicator } from './whatsapp.health';

function baileysLogLevel(level: AppConfig['LOG_LEVEL']): string {
  // Baileys logs through pino; its chatter is only useful when debugging the protocol itself.
  return level === 'verbose' ? 'debug' : level === 'debug' ? 'warn' : 'silent';
}

/** `auto`: a thread of their own for the sockets when there is a second core to run it on. */
export function engineThread(config: AppConfig): 'worker' | 'main' {
  if (config.WA_ENGINE_THREAD !== 'auto') return config.WA_ENGINE_THREAD;
  return availableParallelism() >= 2 ? 'worker' : 'main';
}

@Module({
  imports: [TypeOrmModule.forFeature([SessionEntity]), TerminusModule],
  controllers: [SessionsController, SeedSessionController],
  providers: [
    SessionHosting,
    {
      provide: BAILEYS_OPTIONS,
      inject: [AppConfig, SandboxHost],
      useFactory: (config: AppConfig, host: SandboxHost): BaileysOptions => ({
        waWebSocketUrl: host.sandbox?.wsUrl ?? config.WA_WEBSOCKET_URL,
        mediaAgent: host.sandbox?.httpsAgent,
        mediaDispatcher: host.sandbox?.mediaDispatcher,
        mediaCa: host.sandbox?.tlsCa,
        mediaHost: host.sandbox?.mediaHost,
        qrTimeoutMs: config.WA_QR_TIMEOUT_MS,
        connectTimeoutMs: config.WA_CONNECT_TIMEOUT_MS,
        keepAliveIntervalMs: config.WA_KEEPALIVE_INTERVAL_MS,
        logLevel: baileysLogLevel(config.LOG_LEVEL),
        logFormat: resolveLogFormat(config.LOG_FORMAT, Boolean(process.stdout.isTTY)),
        logPii: config.LOG_PII,
      }),
    },
    {
      provide: WhatsAppEngine,
      inject: [AppConfig, BAILEYS_OPTIONS],
      useFactory: (config: AppConfig, options: BaileysOptions): WhatsAppEngine =>
        engineThread(config) === 'worker' ? new EngineThread(options) : new BaileysEngine(options),
    },
    SessionStore,
    WaVersionService,
    SessionManager,
    SessionsService,
    SessionsFacade,
    WhatsAppHealthIndicator,
  ],
  // Other modules reach sessions through the facade only.
  exports: [SessionsFacade, WhatsAppEngine, SessionHosting],
})
export class WhatsAppModule {}
