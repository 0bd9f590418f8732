/** Nest's level names, mapped onto pino's (`log` is pino's `info`, `verbose` its `trace`). */
export const PINO_LEVEL = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
} as const;
export type NestLevel = keyof typeof PINO_LEVEL;
export type PinoLevel = (typeof PINO_LEVEL)[NestLevel];

/** Nest's own start-up chatter (one line per module, controller and route): written at debug level. */
const QUIET_CONTEXTS = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'WebSocketsController',
]);

/** A session id at the start of a message, as in `[sales] connection closed`. */
const SESSION_PREFIX = /^\[([A-Za-z0-9._-]{1,64})\] /;

export interface LogRecord {
  level: PinoLevel;
  fields: Record<string, unknown>;
  msg: string;
}

/**
 * Turns a call on Nest's `LoggerService` (`log(message, ...params)`, the last string param being the context,
 * `error(message, stack?, context?)`) into a pino record: the context and a leading `[session]` become fields,
 * an object message spreads into fields, an Error into `err`. Pure.
 */
export function toLogRecord(level: NestLevel, message: unknown, params: unknown[]): LogRecord {
  const rest = [...params];
  const fields: Record<string, unknown> = {};
  if (rest.length && typeof rest[rest.length - 1] === 'string') fields.context = rest.pop();
  let msg = '';
  if (typeof message === 'string') msg = message;
  else if (message instanceof Error) {
    msg = message.message;
    fields.err = message;
  } else if (message !== null && typeof message === 'object') {
    const { msg: inner, message: text, ...others } = message as Record<string, unknown>;
    Object.assign(fields, others);
    msg = typeof inner === 'string' ? inner : typeof text === 'string' ? text : '';
  } else if (message !== undefined) msg = String(message);
  const session = SESSION_PREFIX.exec(msg);
  if (session) {
    fields.session = session[1];
    msg = msg.slice(session[0].length);
  }
  const extra: unknown[] = [];
  for (const param of rest) {
    if (param instanceof Error) fields.err = param;
    else if (typeof param === 'string' && level === 'error' && param.includes('\n')) fields.stack = param;
    else if (param !== undefined) extra.push(param);
  }
  if (extra.length) fields.extra = extra;
  const quiet = level === 'log' && QUIET_CONTEXTS.has(String(fields.context));
  return { level: quiet ? 'debug' : PINO_LEVEL[level], fields, msg };
}
