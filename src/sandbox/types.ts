export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type SandboxLog = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;
