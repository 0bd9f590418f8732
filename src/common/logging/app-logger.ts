import type pino from 'pino';
import type { AppConfig } from '../../config/app-config';
import { PINO_LEVEL } from './log-record';
import { createPinoLogger, resolveLogFormat } from './pino-logger';
import { PinoLoggerService } from './pino-logger.service';

export interface AppLogger {
  /** The root pino logger (for children such as the access line). */
  root: pino.Logger;
  /** What Nest's `Logger` writes through. */
  service: PinoLoggerService;
}

/** The gateway's logger as configured by `LOG_LEVEL`, `LOG_FORMAT` and `LOG_PII`. */
export function createAppLogger(config: AppConfig, stdoutIsTty = Boolean(process.stdout.isTTY)): AppLogger {
  const root = createPinoLogger({
    level: PINO_LEVEL[config.LOG_LEVEL],
    format: resolveLogFormat(config.LOG_FORMAT, stdoutIsTty),
    pii: config.LOG_PII,
  });
  return { root, service: new PinoLoggerService(root) };
}
