import { startTestPostgres } from './postgres-server';

// The child of `startPostgresProcess`: starts a server, prints its URL, stops it when stdin closes.
void (async () => {
  const tls = JSON.parse(process.env.TEST_POSTGRES_TLS ?? 'null') as { cert: string; key: string } | null;
  const server = await startTestPostgres(tls ? { tls } : {});
  process.stdout.write(`url=${server.url}\n`);
  process.stdin.on('end', () => {
    void server.stop().then(() => process.exit(0));
  });
  process.stdin.resume();
})().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
