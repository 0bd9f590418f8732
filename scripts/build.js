#!/usr/bin/env node
// `npm run build`: a clean compile of src/ into dist/ with TypeScript (tsconfig.build.json). The decorators'
// metadata Nest needs comes from the compiler options; no other build step is involved.
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const root = path.join(__dirname, '..');
const tsc = require.resolve('typescript/bin/tsc');

function build() {
  // The incremental build info lives beside the config: without it gone too, tsc would think dist/ is current.
  fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
  fs.rmSync(path.join(root, 'tsconfig.build.tsbuildinfo'), { force: true });
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
}

module.exports = { build, root, tsc };

if (require.main === module) {
  try {
    build();
  } catch {
    process.exit(1);
  }
}
