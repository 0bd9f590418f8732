#!/usr/bin/env node
// `npm start`: builds the TypeScript sources when dist/ is missing or older than any source file, then runs the
// gateway. This keeps `npm install && npm start` working on a fresh clone without a separate build step.
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const root = path.join(__dirname, '..');
const entry = path.join(root, 'dist', 'main.js');

function newestMtime(dir) {
  let newest = 0;
  for (const item of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, item.name);
    const t = item.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

const stale = !fs.existsSync(entry) || newestMtime(path.join(root, 'src')) > fs.statSync(entry).mtimeMs;
if (stale) {
  console.log('Building the gateway (first start or sources changed)...');
  execFileSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build'], { cwd: root, stdio: 'inherit' });
  fs.utimesSync(entry, new Date(), new Date());
}
require(entry);
