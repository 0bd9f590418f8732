/**
 * The baseline for send acceptance: a bare NestJS 12 app (Express, JSON body parser, no auth, no validation,
 * no database) with one POST route answering 202 with a small JSON view. Prints `{"url"}` on stdout.
 */
import 'reflect-metadata';
import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';

let seq = 0;

@Controller('bare')
class BareController {
  @Post()
  @HttpCode(202)
  accept(@Body() body: Record<string, unknown>) {
    seq++;
    return {
      id: `msg_${seq}`,
      to: body.to,
      type: body.type,
      status: 'queued',
      createdAt: new Date().toISOString(),
    };
  }
}

@Module({ controllers: [BareController] })
class BareModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(BareModule, { logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${port}` }) + '\n');
  process.on('SIGTERM', () => void app.close().finally(() => process.exit(0)));
}

void main();
