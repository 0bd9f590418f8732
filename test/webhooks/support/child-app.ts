/**
 * The gateway in a child process, for the crash test: boots the real app from the environment, prints
 * `ready <port>`, and on a `publish <n>` line on stdin publishes n message.received events through the EventBus
 * (as the messaging module does), then prints `published <n>`.
 */
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import * as readline from 'node:readline';
import { loadConfig } from '../../../src/config/load-config';
import { createApp } from '../../../src/create-app';
import { newEvent } from '../../../src/events/domain-event';
import { EventBus } from '../../../src/events/event-bus';

async function main(): Promise<void> {
  const config = loadConfig(process.env, '/nonexistent/.env');
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const bus = app.get(EventBus);
  process.stdout.write(`ready ${(app.getHttpServer().address() as AddressInfo).port}\n`);
  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    const [command, arg] = line.trim().split(' ');
    if (command !== 'publish') continue;
    const n = Number(arg);
    for (let i = 0; i < n; i++) {
      await bus.publish(newEvent('message.received', 'default', { n: i, text: `crash test ${i}` }));
    }
    process.stdout.write(`published ${n}\n`);
  }
}

main().catch((err) => {
  process.stderr.write(`child failed: ${err?.stack ?? err}\n`);
  process.exit(1);
});
