import pino from 'pino';
import pinoPretty from 'pino-pretty';
import { maskPhones } from './mask-phones';
import { scrub } from './scrub';

export interface LogOptions {
  /** pino's level name (`info`, `debug`, ...) or `silent`. */
  level: string;
  format: 'json' | 'pretty';
  /** Personal data may be logged: phone numbers unmasked, message texts kept. */
  pii: boolean;
}

/** `LOG_FORMAT` unset: JSON for a pipe or file (a log collector), pretty for a person at a terminal. */
export function resolveLogFormat(setting: string | undefined, stdoutIsTty: boolean): 'json' | 'pretty' {
  if (setting === 'json' || setting === 'pretty') return setting;
  return stdoutIsTty ? 'pretty' : 'json';
}

/**
 * The gateway's pino logger. Every line passes through the same scrub, whoever writes it (Nest's `Logger`, the
 * access line, Baileys): phone numbers masked in the message and in every field, message texts redacted,
 * unless `pii`. One JSON object per line on stdout, or pino-pretty's rendering of it.
 */
export function createPinoLogger(options: LogOptions, destination?: NodeJS.WritableStream): pino.Logger {
  const pii = options.pii;
  const stream =
    options.format === 'pretty'
      ? pinoPretty({
          destination: destination ?? 1,
          colorize: !destination && Boolean(process.stdout.isTTY),
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname,context,session',
          messageFormat: '{if context}[{context}] {end}{if session}[{session}] {end}{msg}',
          singleLine: true,
          sync: true,
        })
      : (destination ?? pino.destination({ dest: 1, sync: true }));
  return pino(
    {
      level: options.level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (obj) => scrub(obj, pii) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          if (pii) return method.apply(this, args);
          const masked = args.map((a) => (typeof a === 'string' ? maskPhones(a) : a)) as typeof args;
          return method.apply(this, masked);
        },
      },
    },
    stream,
  );
}
