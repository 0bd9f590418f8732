/**
 * A queue drain: N text sends queued while the session is stopped (pacing off), then the session started; the
 * rate is N - 1 over the span of their `sent` marks (read from the SQLite file), so connecting is not counted.
 * The sandbox runs in its own process with receipts off; the N messages go to 10 contacts with warm sessions.
 *
 * With BASELINE_ROOT (a checkout of another commit, built, with its own node_modules: its Baileys patch
 * applied), its gateway runs beside this one and the rounds alternate between them, so both see the same machine load.
 *
 * Run: npm run bench:send-burst (builds first)
 * Env: N=1000, ROUNDS=3 (per gateway and mode), MODES=worker,main (WA_ENGINE_THREAD), BASELINE_ROOT.
 */
import Database from 'better-sqlite3';
import * as path from 'node:path';
import {
  GatewayProcess,
  linkGatewaySession,
  machineNote,
  pool,
  startGateway,
  startSandbox,
  waitUntil,
} from './lib/processes';

const N = Number(process.env.N ?? 1000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const MODES = (process.env.MODES ?? 'worker,main').split(',');
const BASELINE_ROOT = process.env.BASELINE_ROOT;
const CONTACTS = Array.from({ length: 10 }, (_, i) => `62813000009${String(i).padStart(2, '0')}`);

interface Variant {
  name: string;
  gw: GatewayProcess;
  db: Database.Database;
  rates: number[];
}

async function drain(v: Variant, tag: string): Promise<number> {
  const ok = (res: { status: number; body: unknown }, what: string) => {
    if (res.status >= 300) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  };
  ok(await v.gw.post('/api/sessions/default/stop'), 'stop');
  await pool(
    Array.from({ length: N }, (_, i) => i),
    10,
    async (i) => {
      const body = { to: CONTACTS[i % CONTACTS.length], type: 'text', text: `${tag} ${i}` };
      ok(await v.gw.post('/api/sessions/default/messages', body), 'send');
    },
  );
  ok(await v.gw.post('/api/sessions/default/start'), 'start');
  const span = v.db.prepare(
    `SELECT COUNT(sent_at) AS n, MIN(sent_at) AS first, MAX(sent_at) AS last FROM messages
     WHERE direction = 'out' AND text LIKE ?`,
  );
  const done = await waitUntil(
    async () => {
      const r = span.get(`${tag} %`) as { n: number; first: number; last: number };
      return r.n === N ? r : null;
    },
    `${N} sends of ${tag}`,
    600_000,
    200,
  );
  return (N - 1) / ((done.last - done.first) / 1000);
}

async function main() {
  console.log(machineNote());
  const roots = [...(BASELINE_ROOT ? [['before', BASELINE_ROOT]] : []), ['after', undefined]] as const;
  for (const mode of MODES) {
    const sandbox = await startSandbox({ receipts: false });
    const variants: Variant[] = [];
    try {
      for (const [name, root] of roots) {
        const gw = await startGateway({
          root,
          env: {
            WA_WEBSOCKET_URL: sandbox.wsUrl,
            SEND_MIN_INTERVAL_MS: '0',
            SEND_JITTER_MS: '0',
            WA_ENGINE_THREAD: mode,
          },
        });
        await linkGatewaySession(gw, sandbox, 'default');
        variants.push({
          name,
          gw,
          db: new Database(path.join(gw.dir, 'app.db'), { readonly: true }),
          rates: [],
        });
      }
      // A warm-up round each: Signal sessions with every contact, JIT.
      for (const v of variants) await drain(v, `warm-${v.name}`);
      for (let round = 0; round < ROUNDS; round++)
        for (const v of variants) {
          const rate = await drain(v, `r${round}-${v.name}`);
          v.rates.push(rate);
          console.log(`${mode} ${v.name} round ${round + 1}: ${rate.toFixed(0)} msg/s`);
        }
      for (const v of variants) {
        const sorted = [...v.rates].sort((a, b) => a - b);
        const median = sorted[Math.floor(sorted.length / 2)];
        console.log(
          `${mode} ${v.name}: ${v.rates.map((r) => r.toFixed(0)).join(', ')} msg/s (median ${median.toFixed(0)})`,
        );
      }
    } finally {
      for (const v of variants) {
        v.db.close();
        await v.gw.stop();
      }
      await sandbox.stop();
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
