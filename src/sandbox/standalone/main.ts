/**
 * The WhatsApp sandbox in its own process (`npm run sandbox:standalone -- [options]`), for tests that kill it
 * or the gateway, and for benchmarks that must not count its CPU against the gateway. Options:
 *   --state-file PATH     persist state there (default: in memory only)
 *   --port N              WebSocket port (default: a free one)
 *   --control-port N      control API port (default: a free one)
 *   --receipts off|D,R    contacts' automatic receipts: off, or delivered/read after D/R ms (default 300,800)
 *   --log-level LEVEL     debug|info|warn|error on stderr (default warn)
 *   --idle-timeout-ms N   close a logged-in connection that sent nothing for N ms, as WhatsApp does (default 0:
 *                         never)
 * When ready it prints one JSON line on stdout: {wsUrl, control, tlsCa, mediaHost, pid}. SIGTERM/SIGINT stop it
 * cleanly (the state file is written first). The control API is described in control-server.ts.
 */
import { parseArgs } from 'node:util';
import type { ReceiptTiming } from '../context';
import type { LogLevel } from '../types';
import { WhatsAppSandbox } from '../whatsapp-sandbox';
import { ControlServer } from './control-server';

const LEVELS: LogLevel[] = ['debug', 'info', 'warn', 'error'];

function receiptsOption(value: string | undefined): ReceiptTiming | false {
  if (value === undefined) return { deliveredAfterMs: 300, readAfterMs: 800 };
  if (value === 'off') return false;
  const [delivered, read] = value.split(',').map(Number);
  if (!Number.isInteger(delivered) || !Number.isInteger(read) || delivered < 0 || read < delivered)
    throw new Error(`--receipts must be "off" or "<deliveredMs>,<readMs>", got "${value}"`);
  return { deliveredAfterMs: delivered, readAfterMs: read };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'state-file': { type: 'string' },
      port: { type: 'string' },
      'control-port': { type: 'string' },
      receipts: { type: 'string' },
      'log-level': { type: 'string' },
      'idle-timeout-ms': { type: 'string' },
    },
  });
  const minLevel = LEVELS.indexOf((values['log-level'] ?? 'warn') as LogLevel);
  if (minLevel < 0) throw new Error(`--log-level must be one of ${LEVELS.join(', ')}`);
  const idleTimeoutMs = Number(values['idle-timeout-ms'] ?? 0);
  if (!Number.isInteger(idleTimeoutMs) || idleTimeoutMs < 0)
    throw new Error(`--idle-timeout-ms must be a whole number of ms, got "${values['idle-timeout-ms']}"`);
  const sandbox = await WhatsAppSandbox.start({
    idleTimeoutMs,
    host: '127.0.0.1',
    port: Number(values.port ?? 0),
    stateFile: values['state-file'],
    receipts: receiptsOption(values.receipts),
    log: (level, msg, fields) => {
      if (LEVELS.indexOf(level) >= minLevel)
        process.stderr.write(`${JSON.stringify({ level, msg, ...fields, at: new Date().toISOString() })}\n`);
    },
  });
  const control = await ControlServer.start(sandbox, '127.0.0.1', Number(values['control-port'] ?? 0));
  process.stdout.write(
    `${JSON.stringify({
      wsUrl: sandbox.wsUrl,
      control: control.url,
      tlsCa: sandbox.tlsCa,
      mediaHost: sandbox.mediaHost,
      pid: process.pid,
    })}\n`,
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void Promise.all([control.close(), sandbox.stop()]).finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
