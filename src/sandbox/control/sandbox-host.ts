import { Logger, OnApplicationShutdown } from '@nestjs/common';
import * as path from 'node:path';
import { AppConfig } from '../../config/app-config';
import { WhatsAppSandbox } from '../whatsapp-sandbox';

/** Owns the in-process sandbox in sandbox mode (null otherwise) and stops it on shutdown. */
export class SandboxHost implements OnApplicationShutdown {
  private constructor(readonly sandbox: WhatsAppSandbox | null) {}

  static async create(config: AppConfig): Promise<SandboxHost> {
    if (!config.SANDBOX) return new SandboxHost(null);
    const logger = new Logger('Sandbox');
    const sandbox = await WhatsAppSandbox.start({
      // Failures (a state file that cannot be written, say) must show; the chatter, with numbers, stays at debug.
      log: (level, msg, fields) => {
        const problem = fields?.err ? `${msg}: ${String(fields.err)}` : msg;
        if (level === 'error') logger.error(problem);
        else if (level === 'warn') logger.warn(problem);
        else logger.debug(fields ? `${msg} ${JSON.stringify(fields)}` : msg);
      },
      host: '127.0.0.1',
      port: config.SANDBOX_PORT,
      stateFile: path.join(config.DATA_DIR, 'sandbox-state.json'),
      receipts: {
        deliveredAfterMs: config.SANDBOX_DELIVERED_AFTER_MS,
        readAfterMs: config.SANDBOX_READ_AFTER_MS,
      },
    });
    logger.warn(
      `SANDBOX=true: a simulated WhatsApp network runs in this process at ${sandbox.wsUrl}; nothing reaches real WhatsApp.`,
    );
    return new SandboxHost(sandbox);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sandbox?.stop();
  }
}
