import { Inject, Injectable } from '@nestjs/common';
import type pino from 'pino';
import { baileysLogger } from './baileys-logger';
import type { AuthStateStore } from '../auth-state-store';
import { DEFAULT_CONNECTION_CONFIG } from '@whiskeysockets/baileys';
import type {
  AccountIdentity,
  EncryptedPollVote,
  MediaDownloadRef,
  PollVoteContext,
  WaVersion,
} from '../engine.types';
import { ConnectOptions, EngineConnection, WhatsAppEngine } from '../whatsapp-engine';
import { importAuthFolder } from './auth-folder-import';
import { loadCreds } from './baileys-auth-state';
import { BAILEYS_OPTIONS, BaileysOptions } from './baileys-options';
import { openBaileysSocket } from './baileys-socket';
import { downloadMedia } from './media-download';
import { openPollVote } from './poll-vote';
import { installSignalConsoleFilter } from '../../../common/logging/signal-console-filter';

/**
 * The WhatsAppEngine on Baileys 7, its sockets on the API thread (`WA_ENGINE_THREAD=main`). The default runs
 * them on a thread of their own (`EngineThread`), which keeps this class for what needs no socket.
 */
@Injectable()
export class BaileysEngine extends WhatsAppEngine {
  protected readonly logger: pino.Logger;

  constructor(@Inject(BAILEYS_OPTIONS) protected readonly options: BaileysOptions) {
    super();
    this.logger = baileysLogger(options);
    // libsignal prints session objects (private keys included) to the console; keep them out of the logs.
    installSignalConsoleFilter(options.logLevel !== 'debug');
  }

  async isLinked(store: AuthStateStore): Promise<boolean> {
    return Boolean((await loadCreds(store))?.me?.id);
  }

  importAuthFolder(dir: string, store: AuthStateStore): Promise<AccountIdentity | null> {
    return importAuthFolder(dir, store);
  }

  builtinVersion(): WaVersion {
    return [...DEFAULT_CONNECTION_CONFIG.version] as WaVersion;
  }

  downloadMedia(ref: MediaDownloadRef, { maxBytes }: { maxBytes: number }): Promise<Buffer> {
    return downloadMedia(ref, {
      maxBytes,
      host: this.options.mediaHost,
      dispatcher: this.options.mediaDispatcher,
    });
  }

  decryptPollVote(vote: EncryptedPollVote, context: PollVoteContext): string[] | null {
    return openPollVote(vote, context);
  }

  connect({ store, handlers, version }: ConnectOptions): Promise<EngineConnection> {
    const options = version ? { ...this.options, version } : this.options;
    return openBaileysSocket({ options, logger: this.logger, store, handlers });
  }
}
