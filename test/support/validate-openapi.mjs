// Validates an OpenAPI document (JSON on stdin) against the official OpenAPI schema of its version and prints
// `{valid, version, errors}` as JSON. A separate Node process: the validator is ESM only and uses
// import.meta, which Jest's CommonJS module system cannot load.
import { Validator } from '@seriousme/openapi-schema-validator';

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', async () => {
  const validator = new Validator();
  const result = await validator.validate(JSON.parse(input));
  process.stdout.write(
    JSON.stringify({ valid: result.valid, version: validator.version, errors: result.errors ?? null }),
  );
});
