import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../../config/load-config';
import { importSessionFolder } from './session-import';

/** `npm run session:import -- --from auth_info_baileys --session default` */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { from: { type: 'string' }, session: { type: 'string', default: 'default' } },
  });
  if (!values.from) {
    console.error(
      'Usage: npm run session:import -- --from <auth folder> [--session <id>]  (stop the gateway first)',
    );
    process.exit(64);
  }
  const config = loadConfig();
  const { phone } = await importSessionFolder({ from: values.from, session: values.session!, config });
  console.log(
    phone
      ? `Imported ${values.from} as session "${values.session}" (linked to ${phone}). Start the gateway: it connects without a QR.`
      : `Imported ${values.from} as session "${values.session}", but it holds no linked account: scan a QR after start.`,
  );
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : `Import failed: ${(err as Error).message}`);
  process.exit(1);
});
