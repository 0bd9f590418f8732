// Builds the TypeScript sources when dist/ is missing or older than any source file. Shared by the npm
// scripts that run compiled code, so `npm install && npm start` works on a fresh clone.
const fs = require('node:fs');
const path = require('node:path');
const { build } = require('./build');

const root = path.join(__dirname, '..');

function newestMtime(dir) {
  let newest = 0;
  for (const item of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, item.name);
    const t = item.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

module.exports = function ensureBuilt() {
  const entry = path.join(root, 'dist', 'main.js');
  const src = path.join(root, 'src');
  // The container image ships dist/ without the sources: nothing to build there.
  if (!fs.existsSync(src) && fs.existsSync(entry)) return path.join(root, 'dist');
  const stale = !fs.existsSync(entry) || newestMtime(src) > fs.statSync(entry).mtimeMs;
  if (stale) {
    console.log('Building the gateway (first start or sources changed)...');
    build();
    fs.utimesSync(entry, new Date(), new Date());
  }
  return path.join(root, 'dist');
};
