import type pino from 'pino';
import { createPinoLogger } from '../../../common/logging/pino-logger';
import type { BaileysOptions } from './baileys-options';

/** Baileys' pino logger: the gateway's format and masking, lines marked with the `Baileys` context. */
export function baileysLogger(options: BaileysOptions): pino.Logger {
  return createPinoLogger({
    level: options.logLevel,
    format: options.logFormat ?? 'json',
    pii: options.logPii ?? false,
  }).child({ context: 'Baileys' });
}
