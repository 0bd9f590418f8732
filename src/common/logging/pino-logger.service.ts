import type { LoggerService, LogLevel } from '@nestjs/common';
import type pino from 'pino';
import { NestLevel, PINO_LEVEL, toLogRecord } from './log-record';

/**
 * Nest's `LoggerService` over pino, so every `new Logger(Context)` in the code writes structured lines: the
 * context is a field, a `[session]` prefix becomes a `session` field (see `toLogRecord`). A small class rather
 * than nestjs-pino: the gateway already has its request ids and writes its own access line, and all it needs
 * from a logger integration is this mapping.
 */
export class PinoLoggerService implements LoggerService {
  constructor(private readonly root: pino.Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('log', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('verbose', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  /** `app.useLogger([...])` / `Logger.overrideLogger([...])`: the most detailed level listed wins. */
  setLogLevels(levels: LogLevel[]): void {
    const order: NestLevel[] = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'];
    const lowest = order.find((l) => levels.includes(l));
    this.root.level = lowest ? PINO_LEVEL[lowest] : 'silent';
  }

  isLevelEnabled(level: NestLevel): boolean {
    return this.root.isLevelEnabled(PINO_LEVEL[level]);
  }

  private write(level: NestLevel, message: unknown, params: unknown[]): void {
    const record = toLogRecord(level, message, params);
    if (!this.root.isLevelEnabled(record.level)) return;
    this.root[record.level](record.fields, record.msg);
  }
}
